package dev.upkeep.publish;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/** Patches a directory where it is, without Git. */
final class InPlacePublisher implements GitPublisher {
  private final Path directory;

  InPlacePublisher(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("not a directory: " + directory);
    }
    this.directory = directory.toAbsolutePath().normalize();
  }

  @Override
  public <T> T inspect(Function<Path, T> reader) {
    return reader.apply(directory);
  }

  @Override
  public synchronized PublishResult publish(WorkTreeUpdate update) {
    update.apply(directory);
    return new PublishResult(directory.toString(), "", "", Optional.empty(), false, 1);
  }

  @Override
  public String toString() {
    return "in place at " + directory;
  }
}
