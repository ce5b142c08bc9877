package dev.upkeep.promote;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.MarkedValue;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.VersionPolicy;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Proposes one environment's versions for the next: for every marked version under the target
 * directory ({@code clusters/prod}), the value at the same place under the source directory ({@code
 * clusters/staging}) — the same relative file, a policy on the same artifact, the same field, the
 * same occurrence. Immutable.
 */
public final class Promotion {

  /**
   * One value to move.
   *
   * @param policy the target's policy (its marker's name)
   * @param artifact the artifact both policies watch
   * @param file the target file, relative to the repository root
   * @param line the target value's line
   * @param from the target's current version
   * @param to the source's current version
   * @param sourceFile the file the version comes from
   */
  public record Step(
      String policy,
      ArtifactRef artifact,
      String file,
      int line,
      String from,
      String to,
      String sourceFile) {
    /** Validates that no component is null. */
    public Step {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(sourceFile, "sourceFile");
    }
  }

  private final List<Step> steps;

  private Promotion(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  /**
   * Pairs the marked values of {@code targetDir} with those of {@code sourceDir} under {@code
   * root}, using {@code policies} to know which artifact each marker's policy watches.
   *
   * @throws ConfigurationException when a directory is missing or one policy would get two
   *     different versions
   */
  public static Promotion between(
      Path root, String sourceDir, String targetDir, Map<String, UpdatePipeline.Policy> policies) {
    Path source = Path.of(sourceDir).normalize();
    Path target = Path.of(targetDir).normalize();
    for (Path dir : List.of(source, target)) {
      if (dir.isAbsolute() || dir.startsWith("..") || !isDirectory(root, dir)) {
        throw new ConfigurationException("no directory \"" + dir + "\" in the repository");
      }
    }
    SetterPatcher markers = SetterPatcher.create();
    List<Step> steps = new ArrayList<>();
    Map<String, String> chosen = new HashMap<>();
    // The run's walk: no links followed, in either direction, and nothing read through one.
    ManifestWalk walk = ManifestWalk.create();
    for (Path rel : walk.list(root)) {
      if (!rel.startsWith(target)) {
        continue;
      }
      Path counterpart = source.resolve(target.relativize(rel));
      Optional<String> toText = walk.read(root, rel);
      Optional<String> fromText = walk.read(root, counterpart);
      if (toText.isEmpty() || fromText.isEmpty()) {
        continue;
      }
      List<MarkedValue> to = versions(markers, rel, toText.get());
      List<MarkedValue> from = versions(markers, counterpart, fromText.get());
      Map<String, List<MarkedValue>> fromByKey = new LinkedHashMap<>();
      for (MarkedValue v : from) {
        artifactOf(policies, v)
            .ifPresent(
                a -> fromByKey.computeIfAbsent(a + " " + v.field(), k -> new ArrayList<>()).add(v));
      }
      Map<String, Integer> seen = new HashMap<>();
      for (MarkedValue v : to) {
        Optional<ArtifactRef> artifact = artifactOf(policies, v);
        if (artifact.isEmpty()) {
          continue;
        }
        String key = artifact.get() + " " + v.field();
        int index = seen.merge(key, 1, Integer::sum) - 1;
        List<MarkedValue> candidates = fromByKey.getOrDefault(key, List.of());
        if (index >= candidates.size()) {
          continue;
        }
        String version = candidates.get(index).version();
        String previous = chosen.putIfAbsent(v.policy(), version);
        if (previous != null && !previous.equals(version)) {
          throw new ConfigurationException(
              "policy \""
                  + v.policy()
                  + "\" would be promoted to both "
                  + previous
                  + " and "
                  + version
                  + "; promote by hand");
        }
        if (!version.equals(v.version())) {
          steps.add(
              new Step(
                  v.policy(),
                  artifact.get(),
                  slashed(rel),
                  v.line(),
                  v.version(),
                  version,
                  slashed(counterpart)));
        }
      }
    }
    return new Promotion(steps);
  }

  private static List<MarkedValue> versions(SetterPatcher markers, Path file, String content) {
    List<MarkedValue> out = new ArrayList<>();
    for (MarkedValue v : markers.values(file, content)) {
      if (v.field() == Change.Field.TAG || v.field() == Change.Field.IMAGE) {
        out.add(v);
      }
    }
    return out;
  }

  private static Optional<ArtifactRef> artifactOf(
      Map<String, UpdatePipeline.Policy> policies, MarkedValue v) {
    return Optional.ofNullable(policies.get(v.policy())).map(UpdatePipeline.Policy::artifact);
  }

  /** Whether {@code dir} is a directory of {@code root} reached without following a link. */
  private static boolean isDirectory(Path root, Path dir) {
    Path at = root;
    for (Path part : dir) {
      at = at.resolve(part);
      if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
    }
    return true;
  }

  private static String slashed(Path p) {
    return p.toString().replace('\\', '/');
  }

  /** The values to move, in file order. */
  public List<Step> steps() {
    return steps;
  }

  /** Whether there is nothing to promote. */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /**
   * A policy that selects exactly {@code tag} when the registry has it, and orders versions like
   * {@code ordering} for the downgrade guard.
   */
  public static VersionPolicy exactly(String tag, VersionPolicy ordering) {
    return new VersionPolicy() {
      @Override
      public Optional<String> select(Collection<String> tags) {
        if (tags == null) {
          throw new IllegalArgumentException("tags must not be null");
        }
        return tags.contains(tag) ? Optional.of(tag) : Optional.empty();
      }

      @Override
      public boolean isDowngrade(String from, String to) {
        return ordering.isDowngrade(from, to);
      }

      @Override
      public String describe() {
        return "promote to " + tag;
      }
    };
  }
}
