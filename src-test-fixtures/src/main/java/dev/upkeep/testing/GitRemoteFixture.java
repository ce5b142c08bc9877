package dev.upkeep.testing;

import dev.upkeep.testing.git.GitCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A bare Git repository in a temporary directory, to push to and inspect in tests. It is driven
 * through the {@code git} command line, so it checks a publisher independently of the library the
 * publisher uses, and needs no global Git configuration.
 *
 * <pre>{@code
 * try (GitRemoteFixture remote = GitRemoteFixture.create()) {
 *   remote.seed(Map.of("apps/dev/podinfo.yaml", "version: 1.0.0 # {\"$imagepolicy\": \"a:b:tag\"}\n"));
 *   ... publish to remote.url() ...
 *   assertThat(remote.readFile("develop", "apps/dev/podinfo.yaml")).contains("...");
 * }
 * }</pre>
 *
 * <p>Commits made through the fixture get fixed, increasing timestamps, so the same sequence of
 * calls produces the same commit ids. Methods are synchronized; {@link #close()} deletes the
 * repository.
 */
public final class GitRemoteFixture implements AutoCloseable {

  /** The author of {@link #seed} commits. */
  public static final String SEED_AUTHOR = "Seed";

  private static final long EPOCH = 1_767_225_600L; // 2026-01-01T00:00:00Z

  private final Path root;
  private final Path bare;
  private final GitCli git;
  private long clock;

  private GitRemoteFixture(Path root) {
    this.root = root;
    this.bare = root.resolve("remote.git");
    this.git = new GitCli(root.resolve("home"));
  }

  /**
   * Creates an empty bare repository whose default branch is {@code main}.
   *
   * @throws IllegalStateException when {@code git} is not installed
   */
  public static GitRemoteFixture create() {
    try {
      Path root = Files.createTempDirectory("upkeep-remote-");
      GitRemoteFixture fixture = new GitRemoteFixture(root);
      fixture.git.run(
          root, "init", "-q", "--bare", "--initial-branch=main", fixture.bare.toString());
      // No background gc: it races with assertions and with deleting the directory.
      fixture.git.run(fixture.bare, "config", "gc.auto", "0");
      fixture.git.run(fixture.bare, "config", "receive.autogc", "false");
      return fixture;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for a git remote", e);
    }
  }

  /**
   * Commits {@code files} (path → UTF-8 content) to {@code main} as {@value #SEED_AUTHOR}, on top
   * of what is there. Returns this fixture for chaining.
   */
  public GitRemoteFixture seed(Map<String, String> files) {
    commit("main", files, SEED_AUTHOR, "Initial commit");
    return this;
  }

  /** A URL for cloning and pushing: {@code file:///...remote.git}. */
  public String url() {
    return bare.toUri().toString();
  }

  /** The bare repository's directory. */
  public Path directory() {
    return bare;
  }

  /**
   * Commits {@code files} (path → UTF-8 content) to {@code branch} as a person would push them: on
   * top of the branch's head, or as a root commit when the branch does not exist. Returns the new
   * commit's id.
   */
  public String commit(
      String branch, Map<String, String> files, String authorName, String message) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return commitBytes(branch, bytes, List.of(), authorName, message);
  }

  /**
   * Commits exact bytes and deletions to {@code branch}; the author's e-mail is derived from the
   * name ({@code Jane Doe} → {@code jane.doe@example.test}). Returns the new commit's id.
   */
  public synchronized String commitBytes(
      String branch,
      Map<String, byte[]> files,
      List<String> deletions,
      String authorName,
      String message) {
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(authorName, "authorName");
    Objects.requireNonNull(message, "message");
    Optional<String> parent = head(branch);
    String email = emailOf(authorName);
    long when = EPOCH + (++clock) * 60;
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    String ident = authorName + " <" + email + "> " + when + " +0000\n";
    write(in, "commit refs/heads/" + branch + "\n");
    write(in, "author " + ident);
    write(in, "committer " + ident);
    data(in, message.getBytes(StandardCharsets.UTF_8));
    parent.ifPresent(p -> write(in, "from " + p + "\n"));
    for (String d : deletions) {
      write(in, "D " + quote(d) + "\n");
    }
    for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
      write(in, "M 100644 inline " + quote(f.getKey()) + "\n");
      data(in, f.getValue());
    }
    write(in, "\n");
    git.run(bare, in.toByteArray(), "fast-import", "--quiet", "--date-format=raw");
    return head(branch).orElseThrow();
  }

  /** Creates {@code branch} at the head of {@code from}. */
  public synchronized void createBranch(String branch, String from) {
    String id =
        head(from).orElseThrow(() -> new IllegalArgumentException("no branch \"" + from + "\""));
    git.run(bare, "update-ref", "refs/heads/" + branch, id, "");
  }

  /** Deletes {@code branch} when it exists. */
  public synchronized void deleteBranch(String branch) {
    if (head(branch).isPresent()) {
      git.run(bare, "update-ref", "-d", "refs/heads/" + branch);
    }
  }

  /**
   * Installs a server-side hook ({@code pre-receive}, {@code update}, ...) as an executable shell
   * script. Hooks run when a push goes through a server ({@code git daemon}, HTTP, SSH) or a local
   * path, not through JGit's in-process {@code file://} transport.
   */
  public void installHook(String name, String script) {
    try {
      Path hook = bare.resolve("hooks").resolve(name);
      Files.createDirectories(hook.getParent());
      Files.writeString(hook, script);
      if (!hook.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make hook " + hook + " executable");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write hook " + name, e);
    }
  }

  /** The UTF-8 text of {@code path} at the head of {@code branch}, or empty when absent. */
  public Optional<String> readFile(String branch, String path) {
    return readBytes(branch, path).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** The exact bytes of {@code path} at the head of {@code branch}, or empty when absent. */
  public synchronized Optional<byte[]> readBytes(String branch, String path) {
    if (head(branch).isEmpty()) {
      return Optional.empty();
    }
    GitCli.Result r =
        git.tryRun(bare, null, "cat-file", "blob", "refs/heads/" + branch + ":" + path);
    return r.exitCode() == 0 ? Optional.of(r.stdout()) : Optional.empty();
  }

  /** The files at the head of {@code branch}, sorted; empty when the branch does not exist. */
  public synchronized List<String> files(String branch) {
    if (head(branch).isEmpty()) {
      return List.of();
    }
    String out = git.runText(bare, "ls-tree", "-r", "--name-only", "refs/heads/" + branch);
    return lines(out);
  }

  /** The commit {@code branch} points at, or empty when there is no such branch. */
  public synchronized Optional<String> head(String branch) {
    GitCli.Result r =
        git.tryRun(bare, null, "rev-parse", "--verify", "-q", "refs/heads/" + branch + "^{commit}");
    return r.exitCode() == 0 ? Optional.of(r.text().strip()) : Optional.empty();
  }

  /** The branch names, sorted. */
  public synchronized List<String> branches() {
    return lines(git.runText(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads/"));
  }

  /**
   * The commits reachable from {@code branch}, newest first; empty when there is no such branch.
   */
  public synchronized List<Commit> log(String branch) {
    if (head(branch).isEmpty()) {
      return List.of();
    }
    String out =
        git.runText(
            bare,
            "-c",
            "core.quotePath=false",
            "log",
            "--no-renames",
            "--name-only",
            "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%B%x1f",
            "refs/heads/" + branch);
    List<Commit> commits = new ArrayList<>();
    for (String record : out.split("\u001e")) {
      if (record.isEmpty()) {
        continue;
      }
      String[] f = record.split("\u001f", -1);
      List<String> parents = f[1].isEmpty() ? List.of() : Arrays.asList(f[1].split(" "));
      commits.add(
          new Commit(
              f[0],
              parents,
              f[2],
              f[3],
              f[4],
              f[5],
              f[6].strip(),
              lines(f.length > 7 ? f[7] : ""),
              git.runText(bare, "cat-file", "commit", f[0])));
    }
    return commits;
  }

  /**
   * Runs {@code git} with {@code args} in the bare repository (no global configuration) and returns
   * its standard output; for checks the other methods do not cover ({@code verify-commit}, ...).
   *
   * @throws IllegalStateException when git exits with a non-zero status, with its error output
   */
  public String git(String... args) {
    return git.runText(bare, args);
  }

  /** Deletes the repository. */
  @Override
  public void close() {
    GitCli.deleteTree(root);
  }

  @Override
  public String toString() {
    return "git remote " + url();
  }

  /**
   * One commit of a {@link #log}.
   *
   * @param id the full commit id
   * @param parents the parent ids (empty for a root commit)
   * @param authorName the author's name
   * @param authorEmail the author's e-mail
   * @param committerName the committer's name
   * @param committerEmail the committer's e-mail
   * @param message the full message without trailing blank lines
   * @param files the paths the commit added, changed or deleted against its first parent
   * @param raw the raw commit object (headers such as {@code gpgsig}, then the message)
   */
  public record Commit(
      String id,
      List<String> parents,
      String authorName,
      String authorEmail,
      String committerName,
      String committerEmail,
      String message,
      List<String> files,
      String raw) {

    /** Copies the lists. */
    public Commit {
      parents = List.copyOf(parents);
      files = List.copyOf(files);
    }

    /** The first line of the message. */
    public String subject() {
      int nl = message.indexOf('\n');
      return nl < 0 ? message : message.substring(0, nl);
    }

    /** Whether the commit carries a signature ({@code gpgsig} header). */
    public boolean signed() {
      return raw.lines().takeWhile(l -> !l.isEmpty()).anyMatch(l -> l.startsWith("gpgsig"));
    }
  }

  static String emailOf(String name) {
    String local = name.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", ".");
    local = local.replaceAll("^\\.+|\\.+$", "");
    return (local.isEmpty() ? "someone" : local) + "@example.test";
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isBlank()) {
        out.add(l.strip());
      }
    }
    return out;
  }

  private static String quote(String path) {
    if (path.contains("\n") || path.contains("\"") || path.startsWith(" ")) {
      throw new IllegalArgumentException("unsupported path \"" + path + "\"");
    }
    return path;
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void data(ByteArrayOutputStream out, byte[] bytes) {
    write(out, "data " + bytes.length + "\n");
    out.writeBytes(bytes);
    write(out, "\n");
  }
}
