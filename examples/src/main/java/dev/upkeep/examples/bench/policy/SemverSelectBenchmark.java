package dev.upkeep.examples.bench.policy;

import com.github.zafarkhaja.semver.Version;
import dev.upkeep.policy.Decision;
import dev.upkeep.policy.semver.SemverPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SemverPolicy} selecting from a registry of mixed tags, for each kind of constraint, beside
 * the floor measured in the same run: parsing every tag once with jsemver and keeping the maximum
 * (a leading {@code v} is stripped first, which jsemver cannot read). Sizes 10k, 100k and 1M show
 * whether time grows linearly. Run it with {@link PolicyBenchmarks#main}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SemverSelectBenchmark {

  /** The tag list, built once per size. */
  @State(Scope.Benchmark)
  public static class Tags {
    @Param({"10000", "100000", "1000000"})
    public int size;

    List<String> tags;
    List<String> jsemverReadable;

    /** Builds the tags. */
    @Setup
    public void setUp() {
      tags = MixedTags.generate(size, 42);
      jsemverReadable = new ArrayList<>();
      for (String tag : tags) {
        String text = tag.startsWith("v") ? tag.substring(1) : tag;
        if (Version.tryParse(text).isPresent()) {
          jsemverReadable.add(text);
        }
      }
    }
  }

  /** One constraint of each kind. */
  @State(Scope.Benchmark)
  public static class Policy {
    @Param({
      "=3.4.5",
      "3.x",
      "~3.4",
      "^3.4.0",
      ">=2.0.0 <5.0.0",
      "2.1 - 4",
      "1.x || >=8.0.0-0",
      "!=3.4.x, >=3"
    })
    public String constraint;

    SemverPolicy policy;

    /** Parses the constraint. */
    @Setup
    public void setUp() {
      policy = SemverPolicy.of(constraint);
    }
  }

  /** The selection a pipeline needs. */
  @Benchmark
  public Optional<String> select(Tags tags, Policy policy) {
    return policy.policy.select(tags.tags);
  }

  /** The selection with a reason for every rejected tag. */
  @Benchmark
  public Decision decide(Tags tags, Policy policy) {
    return policy.policy.decide(tags.tags);
  }

  /** The floor: jsemver parses every tag once, the maximum is kept. */
  @Benchmark
  public Version floorJsemverParseMax(Tags tags) {
    Version max = null;
    for (String tag : tags.tags) {
      String text = tag.startsWith("v") ? tag.substring(1) : tag;
      Optional<Version> v = Version.tryParse(text);
      if (v.isPresent() && (max == null || v.get().compareTo(max) > 0)) {
        max = v.get();
      }
    }
    return max;
  }

  /**
   * A stricter floor, for reference: jsemver parses only the tags it can read (prepared in setup,
   * so no exception is thrown) and the maximum is kept.
   */
  @Benchmark
  public Version floorJsemverParseMaxReadableOnly(Tags tags) {
    Version max = null;
    for (String text : tags.jsemverReadable) {
      Version v = Version.parse(text);
      if (max == null || v.compareTo(max) > 0) {
        max = v;
      }
    }
    return max;
  }
}
