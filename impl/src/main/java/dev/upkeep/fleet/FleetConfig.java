package dev.upkeep.fleet;

import dev.upkeep.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The repositories of a fleet, read from a {@code fleet.yaml}:
 *
 * <pre>{@code
 * repositories:
 *   - url: https://github.com/org/gitops.git     # or file:///path, ssh://...
 *     github: org/gitops                           # optional: open its pull request there
 *   - url: file:///srv/git/platform.git
 *     automation: flux-system:platform             # optional, as plan/run --automation
 * }</pre>
 *
 * <p>{@code github: owner/name}, {@code gitlab: group/project} or {@code gitea: owner/name} (one at
 * most) says where a repository's pull request is opened, as {@code run --github-repository} and
 * its siblings do for one repository.
 *
 * <p>Immutable and thread-safe.
 */
public final class FleetConfig {

  /**
   * One repository of the fleet.
   *
   * @param url the Git URL to clone
   * @param automation the ImageUpdateAutomation ({@code namespace:name}) to follow, if named
   * @param pullRequests where its pull request is opened, if anywhere
   */
  public record Repository(
      String url, Optional<String> automation, Optional<PullRequests> pullRequests) {
    /** Validates that no component is null. */
    public Repository {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(automation, "automation");
      Objects.requireNonNull(pullRequests, "pullRequests");
    }

    /** A repository whose changes are pushed, with no pull request opened. */
    public Repository(String url, Optional<String> automation) {
      this(url, automation, Optional.empty());
    }
  }

  /** The Git hosts a fleet file can name for a repository's pull requests, by their key. */
  public enum Forge {
    /** {@code github: owner/name}. */
    GITHUB,
    /** {@code gitlab: group/project}. */
    GITLAB,
    /** {@code gitea: owner/name} (Gitea and Forgejo). */
    GITEA;

    /** The fleet file's key: {@code github}, {@code gitlab}, {@code gitea}. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Where a repository's pull requests are opened.
   *
   * @param forge the host's kind
   * @param repository {@code owner/name} (GitLab: the project's path)
   */
  public record PullRequests(Forge forge, String repository) {
    /** Validates that no component is null or blank. */
    public PullRequests {
      Objects.requireNonNull(forge, "forge");
      if (repository == null || repository.isBlank()) {
        throw new IllegalArgumentException("a pull request repository needs owner/name");
      }
    }
  }

  /**
   * Shard {@code index} of {@code count} (1-based): the repositories whose 0-based position, taken
   * mod {@code count}, is {@code index - 1}. Shards 1..n cover a fleet exactly once.
   *
   * @param index which shard, 1 to {@code count}
   * @param count how many shards
   */
  public record Shard(int index, int count) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

    /** The whole fleet. */
    public static final Shard ALL = new Shard(1, 1);

    /**
     * Validates {@code 1 <= index <= count}.
     *
     * @throws ConfigurationException when it does not hold
     */
    public Shard {
      if (count < 1 || index < 1 || index > count) {
        throw new ConfigurationException(
            "a shard is i/n with 1 <= i <= n (e.g. 2/3), got \"" + index + "/" + count + "\"");
      }
    }

    /**
     * Reads {@code i/n}, e.g. {@code 2/3}.
     *
     * @throws ConfigurationException naming the value when it is not {@code i/n} with {@code 1 <= i
     *     <= n}
     */
    public static Shard parse(String value) {
      Matcher m = SYNTAX.matcher(value == null ? "" : value.strip());
      if (!m.matches()) {
        throw new ConfigurationException(
            "a shard is i/n with 1 <= i <= n (e.g. 2/3), got \"" + value + "\"");
      }
      return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether the repository at 0-based {@code position} belongs to this shard. */
    public boolean contains(int position) {
      return position % count == index - 1;
    }
  }

  private static final Set<String> KEYS = Set.of("url", "automation", "github", "gitlab", "gitea");

  private final List<Repository> repositories;

  private FleetConfig(List<Repository> repositories) {
    this.repositories = List.copyOf(repositories);
  }

  /** A fleet of these repositories, in this order. */
  public static FleetConfig of(List<Repository> repositories) {
    return new FleetConfig(repositories);
  }

  /**
   * Reads {@code file}.
   *
   * @throws ConfigurationException when the file cannot be read, is not YAML, or does not have the
   *     shape above (the message names the file and what is wrong)
   */
  public static FleetConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read fleet config \"" + file + "\": " + e, e);
    }
    Object doc;
    try {
      doc =
          new Load(
                  LoadSettings.builder()
                      .setAllowDuplicateKeys(false)
                      .setMaxAliasesForCollections(50)
                      .build())
              .loadFromString(text);
    } catch (RuntimeException e) {
      String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new ConfigurationException(
          "fleet config \"" + file + "\" is not valid YAML: " + reason, e);
    }
    if (!(doc instanceof Map<?, ?>) || !(((Map<?, ?>) doc).get("repositories") instanceof List)) {
      throw new ConfigurationException(
          "fleet config \"" + file + "\" needs a \"repositories:\" list of {url: ...} entries");
    }
    List<Repository> out = new ArrayList<>();
    List<?> entries = (List<?>) ((Map<?, ?>) doc).get("repositories");
    for (int i = 0; i < entries.size(); i++) {
      out.add(repository(file, i, entries.get(i)));
    }
    if (out.isEmpty()) {
      throw new ConfigurationException("fleet config \"" + file + "\" lists no repository");
    }
    return new FleetConfig(out);
  }

  private static Repository repository(Path file, int i, Object entry) {
    String where = "fleet config \"" + file + "\", repositories[" + i + "]";
    if (!(entry instanceof Map<?, ?>)) {
      throw new ConfigurationException(where + " must be a map with url:, got \"" + entry + "\"");
    }
    Map<?, ?> map = (Map<?, ?>) entry;
    for (Object key : map.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw new ConfigurationException(
            where
                + " has an unknown key \""
                + key
                + "\"; expected url, automation and one of github, gitlab, gitea");
      }
    }
    if (!(map.get("url") instanceof String) || ((String) map.get("url")).isBlank()) {
      throw new ConfigurationException(where + " needs a url");
    }
    Object automation = map.get("automation");
    if (automation != null && !(automation instanceof String)) {
      throw new ConfigurationException(
          where + ": automation must be namespace:name, got \"" + automation + "\"");
    }
    Optional<PullRequests> pullRequests = Optional.empty();
    for (Forge forge : Forge.values()) {
      if (!map.containsKey(forge.key())) {
        continue;
      }
      if (pullRequests.isPresent()) {
        throw new ConfigurationException(
            where + " names more than one of github, gitlab and gitea; a repository has one host");
      }
      Object name = map.get(forge.key());
      if (!(name instanceof String) || !repositoryName(forge, ((String) name).strip())) {
        throw new ConfigurationException(
            where
                + ": "
                + forge.key()
                + (forge == Forge.GITLAB ? " must be group/project" : " must be owner/name")
                + ", got \""
                + name
                + "\"");
      }
      pullRequests = Optional.of(new PullRequests(forge, ((String) name).strip()));
    }
    return new Repository(
        ((String) map.get("url")).strip(), Optional.ofNullable((String) automation), pullRequests);
  }

  /**
   * Whether {@code name} names a repository on {@code forge}: {@code owner/name} (GitLab: a project
   * path, which may have subgroups), no part empty.
   */
  private static boolean repositoryName(Forge forge, String name) {
    String[] parts = name.split("/", -1);
    for (String part : parts) {
      if (part.isBlank()) {
        return false;
      }
    }
    return forge == Forge.GITLAB ? parts.length >= 2 : parts.length == 2;
  }

  /** Every repository, in the order of the file. */
  public List<Repository> repositories() {
    return repositories;
  }

  /** The repositories of {@code shard}, in the order of the file. */
  public List<Repository> shard(Shard shard) {
    List<Repository> out = new ArrayList<>();
    for (int i = 0; i < repositories.size(); i++) {
      if (shard.contains(i)) {
        out.add(repositories.get(i));
      }
    }
    return out;
  }
}
