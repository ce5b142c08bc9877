package dev.upkeep.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCacheTest {

  @TempDir Path dir;

  private static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private PackageCache cache(long maxBytes) {
    return new PackageCache(dir.resolve("cache"), maxBytes);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Nested
  class OnDisk {
    @Test
    void givesBackWhatItKeptByDigest() {
      byte[] chart = bytes("a chart package");
      PackageCache cache = cache(1 << 20);
      assertThat(cache.get(digest(chart), 1024)).isEmpty();

      cache.put(digest(chart), chart);

      assertThat(cache(1 << 20).get(digest(chart), 1024)).hasValue(chart);
      assertThat(cache.directory().resolve(digest(chart).substring(7))).exists();
    }

    @Test
    void keepsItsDirectoryToItsOwner() throws IOException {
      byte[] chart = bytes("private chart");
      PackageCache cache = cache(1 << 20);
      cache.put(digest(chart), chart);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.directory())))
          .isEqualTo("rwx------");
    }

    @Test
    void dropsAFileThatNoLongerHasItsDigest() throws IOException {
      byte[] chart = bytes("the real package");
      PackageCache cache = cache(1 << 20);
      cache.put(digest(chart), chart);
      Path file = cache.directory().resolve(digest(chart).substring(7));
      Files.writeString(file, "something else");

      assertThat(cache.get(digest(chart), 1024)).isEmpty();
      assertThat(file).doesNotExist();
    }

    @Test
    void aLimitAsLargeAsALongStillReadsWhatItKept() {
      byte[] chart = bytes("a chart package");
      PackageCache cache = cache(1 << 20);
      cache.put(digest(chart), chart);
      assertThat(cache.get(digest(chart), Long.MAX_VALUE)).hasValue(chart);
      assertThat(cache.get(digest(chart), Long.MAX_VALUE)).hasValue(chart);
    }

    @Test
    void refusesADirectoryOthersMayWriteTo() throws IOException {
      byte[] chart = bytes("a chart package");
      cache(1 << 20).put(digest(chart), chart);
      Path packages = dir.resolve("cache/sha256");
      Files.setPosixFilePermissions(packages, PosixFilePermissions.fromString("rwxrwxrwx"));

      PackageCache cache = cache(1 << 20);
      assertThat(cache.get(digest(chart), 1024)).isEmpty();
      byte[] other = bytes("another package");
      cache.put(digest(other), other);
      assertThat(packages.resolve(digest(other).substring(7))).doesNotExist();
    }

    @Test
    void makesADirectoryOfItsOwnThatOthersMayReadPrivate() throws IOException {
      byte[] chart = bytes("a chart package");
      cache(1 << 20).put(digest(chart), chart);
      Path packages = dir.resolve("cache/sha256");
      Files.setPosixFilePermissions(packages, PosixFilePermissions.fromString("rwxr-xr-x"));

      assertThat(cache(1 << 20).get(digest(chart), 1024)).hasValue(chart);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(packages)))
          .isEqualTo("rwx------");
    }

    @Test
    void readsNoFileLargerThanTheCallersLimit() {
      byte[] chart = new byte[4096];
      PackageCache cache = cache(1 << 20);
      cache.put(digest(chart), chart);
      assertThat(cache.get(digest(chart), 1024)).isEmpty();
      assertThat(cache.get(digest(chart), 4096)).hasValue(chart);
    }

    @Test
    void doesNotReadThroughASymbolicLink() throws IOException {
      byte[] chart = bytes("elsewhere");
      Path outside = Files.write(dir.resolve("outside"), chart);
      PackageCache cache = cache(1 << 20);
      cache.put(digest(bytes("first")), bytes("first")); // makes the directory
      Files.createSymbolicLink(cache.directory().resolve(digest(chart).substring(7)), outside);

      assertThat(cache.get(digest(chart), 1024)).isEmpty();
    }

    @Test
    void ignoresNamesThatAreNotSha256Digests() {
      PackageCache cache = cache(1 << 20);
      cache.put("sha256:../../escape", bytes("x"));
      cache.put("md5:abc", bytes("x"));
      assertThat(cache.get("sha256:../../escape", 1024)).isEmpty();
      assertThat(dir.resolve("cache")).doesNotExist();
    }

    @Test
    void deletesThePackagesReadLongestAgoBeyondItsLimit() throws IOException {
      PackageCache cache = cache(3000);
      byte[] old = new byte[1000];
      byte[] used = new byte[1000];
      used[0] = 1;
      byte[] other = new byte[1000];
      other[0] = 2;
      cache.put(digest(old), old);
      cache.put(digest(used), used);
      cache.put(digest(other), other);
      // all three were written long ago; the second was read since
      Files.setLastModifiedTime(
          cache.directory().resolve(digest(old).substring(7)), FileTime.fromMillis(1_000));
      Files.setLastModifiedTime(
          cache.directory().resolve(digest(used).substring(7)), FileTime.fromMillis(1_500));
      Files.setLastModifiedTime(
          cache.directory().resolve(digest(other).substring(7)), FileTime.fromMillis(2_000));
      assertThat(cache.get(digest(used), 4096)).hasValue(used);

      byte[] newest = new byte[1000];
      newest[0] = 3;
      cache.put(digest(newest), newest); // 4000 bytes: over the limit, back under 2250

      assertThat(cache.get(digest(old), 4096)).isEmpty();
      assertThat(cache.get(digest(other), 4096)).isEmpty();
      assertThat(cache.get(digest(used), 4096)).hasValue(used);
      assertThat(cache.get(digest(newest), 4096)).hasValue(newest);
    }

    @Test
    void aDirectoryThatCannotBeMadeCostsADownloadNotAnError() throws IOException {
      Files.writeString(dir.resolve("cache"), "a file where the directory would go");
      PackageCache cache = cache(1 << 20);
      byte[] chart = bytes("package");
      cache.put(digest(chart), chart);
      assertThat(cache.get(digest(chart), 1024)).isEmpty();
    }

    @Test
    void leavesNoTemporaryFileBehind() throws IOException {
      PackageCache cache = cache(1 << 20);
      for (int i = 0; i < 5; i++) {
        byte[] chart = bytes("package " + i);
        cache.put(digest(chart), chart);
      }
      try (Stream<Path> files = Files.list(cache.directory())) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .hasSize(5)
            .allMatch(n -> n.matches("[0-9a-f]{64}"));
      }
    }
  }
}
