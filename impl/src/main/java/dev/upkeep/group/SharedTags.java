package dev.upkeep.group;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistrySource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source that lists each artifact's tags and reads each digest once per grouped run, however many
 * of the run's pipelines ask. Thread-safe.
 */
final class SharedTags implements RegistrySource, ChartInspector {

  private final RegistrySource delegate;
  private final Map<ArtifactRef, List<String>> tags = new ConcurrentHashMap<>();
  private final Map<String, Optional<String>> digests = new ConcurrentHashMap<>();

  SharedTags(RegistrySource delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<String> listTags(ArtifactRef ref) {
    return tags.computeIfAbsent(ref, delegate::listTags);
  }

  @Override
  public Optional<String> digest(ArtifactRef ref, String tag) {
    return digests.computeIfAbsent(ref + "\n" + tag, k -> delegate.digest(ref, tag));
  }

  @Override
  public boolean supports(ArtifactRef ref) {
    return delegate.supports(ref);
  }

  // The chart review reads packages through the source it is given: pass it through.
  @Override
  public Optional<ChartMetadata> chart(ArtifactRef ref, String tag) {
    return ChartInspector.of(delegate).chart(ref, tag);
  }

  @Override
  public Optional<byte[]> archive(ArtifactRef ref, String tag, long maxBytes) {
    return ChartInspector.of(delegate).archive(ref, tag, maxBytes);
  }
}
