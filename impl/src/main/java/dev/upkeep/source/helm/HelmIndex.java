package dev.upkeep.source.helm;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;

/**
 * The versions and digests of every chart in a Helm repository's {@code index.yaml}, read from a
 * stream of parser events: descriptions, maintainers, URLs and the rest are skipped, never built,
 * so a 50 MB index costs the memory of its versions only.
 */
final class HelmIndex {
  /** One chart version: as written in the index, and its package digest. */
  static final class Version {
    final String version;
    final String digest;

    /** The first of the entry's {@code urls}, as written (often relative to the repository). */
    final String url;

    Version(String version, String digest, String url) {
      this.version = version;
      this.digest = digest;
      this.url = url;
    }
  }

  /** The index is not what Helm writes. */
  static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidException(String message) {
      super(message);
    }
  }

  private final Map<String, List<Version>> charts;

  private HelmIndex(Map<String, List<Version>> charts) {
    this.charts = charts;
  }

  /** An index of {@code charts}, each chart's versions in the order the index lists them. */
  static HelmIndex of(Map<String, List<Version>> charts) {
    return new HelmIndex(charts);
  }

  /** Every chart's versions, in the index's order. */
  Map<String, List<Version>> charts() {
    return charts;
  }

  Optional<List<Version>> chart(String name) {
    return Optional.ofNullable(charts.get(name));
  }

  int size() {
    return charts.size();
  }

  static HelmIndex read(InputStream in) throws InvalidException {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel("index.yaml")
            .setCodePointLimit(Integer.MAX_VALUE)
            .setUseMarks(false) // twice as fast; messages lose line numbers, keep the problem
            .build();
    Iterator<Event> events = new Parse(settings).parseInputStream(in).iterator();
    expect(events, Event.ID.StreamStart);
    if (!events.hasNext() || events.next().getEventId() != Event.ID.DocumentStart) {
      throw new InvalidException("the file is empty");
    }
    if (next(events).getEventId() != Event.ID.MappingStart) {
      throw new InvalidException("the document is not a mapping with \"entries\"");
    }
    Map<String, List<Version>> charts = null;
    while (true) {
      Event key = next(events);
      if (key.getEventId() == Event.ID.MappingEnd) {
        break;
      }
      if (key.getEventId() == Event.ID.Scalar && ((ScalarEvent) key).getValue().equals("entries")) {
        charts = entries(events);
      } else {
        skipNode(key, events);
        skipNode(next(events), events);
      }
    }
    if (charts == null) {
      throw new InvalidException("it has no \"entries\"");
    }
    return new HelmIndex(charts);
  }

  private static Map<String, List<Version>> entries(Iterator<Event> events)
      throws InvalidException {
    Map<String, List<Version>> charts = new HashMap<>();
    Event start = next(events);
    if (start.getEventId() == Event.ID.Scalar) {
      return charts; // "entries:" with no value (null)
    }
    if (start.getEventId() != Event.ID.MappingStart) {
      throw new InvalidException("\"entries\" is not a mapping of chart names");
    }
    while (true) {
      Event key = next(events);
      if (key.getEventId() == Event.ID.MappingEnd) {
        return charts;
      }
      if (key.getEventId() != Event.ID.Scalar) {
        throw new InvalidException("a chart name in \"entries\" is not a string");
      }
      String name = ((ScalarEvent) key).getValue();
      Event list = next(events);
      List<Version> versions = new ArrayList<>();
      if (list.getEventId() == Event.ID.SequenceStart) {
        while (true) {
          Event item = next(events);
          if (item.getEventId() == Event.ID.SequenceEnd) {
            break;
          }
          if (item.getEventId() == Event.ID.MappingStart) {
            version(events).ifPresent(versions::add);
          } else {
            skipNode(item, events);
          }
        }
      } else {
        skipNode(list, events);
      }
      charts.put(name, versions);
    }
  }

  private static Optional<Version> version(Iterator<Event> events) throws InvalidException {
    String version = null;
    String digest = null;
    String url = null;
    while (true) {
      Event key = next(events);
      if (key.getEventId() == Event.ID.MappingEnd) {
        break;
      }
      Event value = next(events);
      if (key.getEventId() == Event.ID.Scalar
          && ((ScalarEvent) key).getValue().equals("urls")
          && value.getEventId() == Event.ID.SequenceStart) {
        for (Event item = next(events);
            item.getEventId() != Event.ID.SequenceEnd;
            item = next(events)) {
          if (item.getEventId() == Event.ID.Scalar && url == null) {
            url = ((ScalarEvent) item).getValue();
          } else {
            skipNode(item, events);
          }
        }
      } else if (key.getEventId() == Event.ID.Scalar && value.getEventId() == Event.ID.Scalar) {
        String k = ((ScalarEvent) key).getValue();
        if (k.equals("version")) {
          version = ((ScalarEvent) value).getValue();
        } else if (k.equals("digest")) {
          digest = ((ScalarEvent) value).getValue();
        }
      } else {
        skipNode(key, events);
        skipNode(value, events);
      }
    }
    return version == null || version.isBlank()
        ? Optional.empty()
        : Optional.of(new Version(version, digest, url));
  }

  /** Consumes the rest of the node that {@code first} starts. */
  private static void skipNode(Event first, Iterator<Event> events) throws InvalidException {
    Event.ID id = first.getEventId();
    if (id != Event.ID.MappingStart && id != Event.ID.SequenceStart) {
      return;
    }
    int depth = 1;
    while (depth > 0) {
      Event.ID e = next(events).getEventId();
      if (e == Event.ID.MappingStart || e == Event.ID.SequenceStart) {
        depth++;
      } else if (e == Event.ID.MappingEnd || e == Event.ID.SequenceEnd) {
        depth--;
      }
    }
  }

  private static Event next(Iterator<Event> events) throws InvalidException {
    while (events.hasNext()) {
      Event e = events.next();
      if (e.getEventId() != Event.ID.Comment) {
        return e;
      }
    }
    throw new InvalidException("the file ends early");
  }

  private static void expect(Iterator<Event> events, Event.ID id) throws InvalidException {
    if (!events.hasNext() || events.next().getEventId() != id) {
      throw new InvalidException("the file does not start as YAML");
    }
  }
}
