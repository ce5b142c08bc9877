package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryOptionsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/org/gitops.git",
        "ssh://git@github.com/org/gitops.git",
        "file:///srv/git/platform.git",
        "git@github.com:org/gitops.git",
        "deploy@git.example.com:/srv/gitops"
      })
  void urlsAndScpLikeAddressesAreRemote(String repo) {
    assertThat(RepositoryOptions.isRemote(repo)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {".", "apps", "/srv/gitops", "clusters/prod@2024:old", "@team:repo", "a/b@c:d"})
  void pathsAreLocalEvenWithAnAtSign(String repo) {
    assertThat(RepositoryOptions.isRemote(repo)).isFalse();
  }

  @Test
  void chartPackagesAreKeptWhereTheXdgSpecificationSays() {
    Path none = null;
    assertThat(RepositoryOptions.packageCache(true, none, Map.of("HOME", "/home/me"), "/x"))
        .hasValue(Path.of("/home/me/.cache/upkeep/charts"));
    assertThat(
            RepositoryOptions.packageCache(
                true, none, Map.of("XDG_CACHE_HOME", "/var/cache/me", "HOME", "/home/me"), "/x"))
        .hasValue(Path.of("/var/cache/me/upkeep/charts"));
    // a relative XDG_CACHE_HOME is invalid and ignored, as the specification says
    assertThat(
            RepositoryOptions.packageCache(
                true, none, Map.of("XDG_CACHE_HOME", "cache", "HOME", "/home/me"), "/x"))
        .hasValue(Path.of("/home/me/.cache/upkeep/charts"));
    // a container user without a passwd entry: HOME, else nothing (Java says "?")
    assertThat(RepositoryOptions.packageCache(true, none, Map.of("HOME", "/tmp"), "?"))
        .hasValue(Path.of("/tmp/.cache/upkeep/charts"));
    assertThat(RepositoryOptions.packageCache(true, none, Map.of(), "?")).isEmpty();
    assertThat(RepositoryOptions.packageCache(true, none, Map.of(), "/home/java"))
        .hasValue(Path.of("/home/java/.cache/upkeep/charts"));
  }

  @Test
  void aFleetRepositoryGetsEveryOptionButItsOwnUrlAutomationWorkDirAndFormat() throws Exception {
    RepositoryOptions given = new RepositoryOptions();
    List<String> own = List.of("repo", "automation", "workDir", "format");
    // every other field set to a value no default has
    for (Field f : RepositoryOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || own.contains(f.getName())) {
        continue;
      }
      f.set(given, unusual(f.getType()));
    }

    RepositoryOptions copy =
        given.forRepository("https://example.com/a.git", "ns:auto", Path.of("/work/01"));

    for (Field f : RepositoryOptions.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && !own.contains(f.getName())) {
        assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(given));
      }
    }
    assertThat(copy.repo).isEqualTo("https://example.com/a.git");
    assertThat(copy.automation).isEqualTo("ns:auto");
    assertThat(copy.workDir).isEqualTo(Path.of("/work/01"));
    assertThat(copy.format).isEqualTo(RepositoryOptions.Format.json);
  }

  private static Object unusual(Class<?> type) {
    if (type == boolean.class) {
      return true; // the Java default is false; picocli's defaults do not apply to a copy
    } else if (type == int.class) {
      return 3;
    } else if (type == String.class) {
      return "unusual";
    } else if (type == Path.class) {
      return Path.of("/unusual");
    } else if (type == List.class) {
      return List.of("unusual.example.com");
    } else if (type == Map.class) {
      return Map.of("name", Path.of("/unusual"));
    }
    throw new AssertionError("a field of a type this test does not know: " + type);
  }

  @Test
  void cacheDirAndNoCacheWin() {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", "/var/cache/me");
    assertThat(RepositoryOptions.packageCache(true, Path.of("/srv/cache"), env, "/x"))
        .hasValue(Path.of("/srv/cache/charts"));
    assertThat(RepositoryOptions.packageCache(false, Path.of("/srv/cache"), env, "/x")).isEmpty();
    assertThat(RepositoryOptions.packageCache(false, null, env, "/x")).isEmpty();
  }
}
