package dev.upkeep.publish.git;

import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.Redaction;
import dev.upkeep.publish.BranchComparison;
import dev.upkeep.publish.CommitMessage;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.publish.WorkTreeUpdate;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Publishes updates with JGit: keeps a clone of the remote in a work directory, commits the changed
 * files as a configured author, and pushes them to a branch with a lease, so a commit a person
 * pushed in the meantime is never overwritten.
 *
 * <pre>{@code
 * GitPublisher publisher = JGitPublisher.builder("https://github.com/org/fleet.git")
 *     .baseBranch("main")
 *     .pushBranch("develop")
 *     .author("Upkeep", "upkeep@example.com")
 *     .token(System.getenv("GITHUB_TOKEN"))
 *     .build();
 * }</pre>
 *
 * <p>Branch strategies: {@link Strategy#STACK} (the default) adds one commit on top of the push
 * branch, or of the base branch when the push branch does not exist yet, and pushes it as a
 * fast-forward. {@link Strategy#REBUILD} resets a dedicated automation branch to the base branch
 * plus one fresh commit, and refuses when the branch holds a person's commit. Every commit ends
 * with an {@code Upkeep-Automation: NAME} trailer; a commit is the automation's own only when it
 * carries that trailer and the configured committer committed it, so a person's amend counts as
 * theirs.
 *
 * <p>A push that is refused because the branch moved is retried on a fresh fetch (the update is
 * applied again) up to {@link Builder#retries} times. Credentials are kept in memory only: never in
 * the clone's {@code .git/config}, in results or in messages. Instances are immutable and
 * thread-safe; runs that share a work directory, in this process or another, take turns.
 */
public final class JGitPublisher implements GitPublisher, AutoCloseable {

  private static final System.Logger LOG = Redaction.logger(JGitPublisher.class.getName());

  /** What Git's receive-pack says when another push moved the ref after it read it. */
  private static final java.util.regex.Pattern LOST_REF_RACE =
      java.util.regex.Pattern.compile("cannot lock ref '[^']*': is at \\p{XDigit}+ but expected");

  /** How the push branch is built. */
  public enum Strategy {
    /**
     * Add one commit on top of the push branch (or the base branch when the push branch does not
     * exist) and push it as a fast-forward. Safe for a branch people share, such as {@code
     * develop}.
     */
    STACK,
    /**
     * Reset the push branch to the base branch plus one fresh commit, so it never goes stale and
     * never piles up old update commits. For a branch only the automation writes to: refuses when
     * it carries a commit that is not the automation's own (its trailer, its committer).
     */
    REBUILD
  }

  private final RemoteAccess remote;
  private final String baseBranch;
  private final String pushBranch;
  private final Strategy strategy;
  private final String authorName;
  private final String authorEmail;
  private final String committerName;
  private final String committerEmail;
  private final CommitTemplate template;
  private final CommitMessage commitMessage;
  private final String automation;
  private final BranchOwnership ownership;
  private final boolean signOff;
  private final CommitSigning signing;
  private final int depth;
  private final int retries;
  private final Duration lockTimeout;
  private final Path configuredWorkDirectory;
  private final List<String> sparseTokens;
  private volatile Path temporaryWorkDirectory;

  private JGitPublisher(Builder b, RemoteAccess remote) {
    this.remote = remote;
    this.baseBranch = b.baseBranch;
    this.pushBranch = b.pushBranch == null ? b.baseBranch : b.pushBranch;
    this.strategy = b.strategy;
    this.authorName = b.authorName;
    this.authorEmail = b.authorEmail;
    this.committerName = b.committerName == null ? b.authorName : b.committerName;
    this.committerEmail = b.committerEmail == null ? b.authorEmail : b.committerEmail;
    this.template = CommitTemplate.of(b.template);
    this.commitMessage = b.commitMessage;
    this.automation = b.automation;
    this.ownership = new BranchOwnership(b.automation, this.committerEmail);
    this.signOff = b.signOff;
    this.signing = b.signing;
    this.depth = b.depth;
    this.retries = b.retries;
    this.lockTimeout = b.lockTimeout;
    this.configuredWorkDirectory = b.workDirectory;
    this.sparseTokens = List.copyOf(b.sparseTokens);
  }

  /**
   * Starts, on a daemon thread, what JGit does once per process before its first repository: it
   * asks the installed {@code git} for its system configuration and the shell for the umask, three
   * processes and about a quarter of a second. A command line calls this first thing, so that the
   * work overlaps reading its arguments; calling it is optional, and a failure here is met again,
   * and reported, where a repository needs it.
   */
  public static void warmUp() {
    Thread t =
        new Thread(
            () -> {
              try {
                SystemReader.getInstance().getSystemConfig();
                Path probe = Files.createTempFile("upkeep-umask", "");
                try {
                  FS.DETECTED.setExecute(probe.toFile(), false);
                } finally {
                  Files.deleteIfExists(probe);
                }
              } catch (IOException | ConfigInvalidException | RuntimeException e) {
                // the first repository meets the same failure and reports it
              }
            },
            "upkeep-jgit-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Starts a publisher for {@code remoteUrl}: {@code https://host/org/repo.git}, {@code
   * ssh://git@host/org/repo.git}, {@code git@host:org/repo.git}, {@code git://...}, {@code
   * file:///...} or a local path. A password or token written into the URL is taken out of it and
   * used as the HTTPS credential.
   */
  public static Builder builder(String remoteUrl) {
    return new Builder(remoteUrl);
  }

  /**
   * The branch the remote's {@code HEAD} points to — its default branch, such as {@code main} or
   * {@code master} — or empty when the remote does not say.
   *
   * @throws PublishException when the remote cannot be reached or refuses the credentials
   */
  public Optional<String> remoteDefaultBranch() {
    try (Transport t = remote.open();
        FetchConnection c = t.openFetch()) {
      Ref head = c.getRef(Constants.HEAD);
      if (head == null || !head.isSymbolic()) {
        return Optional.empty();
      }
      String target = head.getTarget().getName();
      return target.startsWith(Constants.R_HEADS)
          ? Optional.of(target.substring(Constants.R_HEADS.length()))
          : Optional.empty();
    } catch (IOException e) {
      throw new PublishException(
          "cannot ask " + remote.display() + " for its default branch: " + clean(e.getMessage()),
          e);
    }
  }

  @Override
  public <T> T inspect(Function<Path, T> reader) {
    Objects.requireNonNull(reader, "reader");
    return locked(
        "cannot prepare a work tree of",
        clone -> {
          prepare(clone, false);
          return reader.apply(clone.workTree());
        });
  }

  @Override
  public PublishResult publish(WorkTreeUpdate update) {
    Objects.requireNonNull(update, "update");
    return locked("cannot publish to", clone -> publish(clone, update));
  }

  private PublishResult publish(Clone clone, WorkTreeUpdate update) throws IOException {
    {
      for (int attempt = 1; ; attempt++) {
        Start start = prepare(clone, true);
        clone.markDirty();
        TreeChanges changes = update.apply(clone.workTree());
        if (changes.isEmpty()) {
          clone.checkout(start.commit, true);
          return result(clone, start, start.pushHead, null, attempt);
        }
        List<String> paths = new ArrayList<>();
        for (FileReport f : changes.files()) {
          paths.add(f.file());
        }
        ObjectId tree = clone.stage(paths);
        Repository repo = clone.repository();
        if (tree.equals(treeOf(repo, start.commit)) || alreadyRebuilt(repo, start, tree)) {
          clone.checkout(start.commit, true);
          return result(clone, start, start.pushHead, null, attempt);
        }
        RevCommit commit = commit(clone, changes, start.commit);
        Outcome outcome = push(clone, commit, start);
        if (outcome == Outcome.PUSHED) {
          LOG.log(
              Level.INFO,
              "pushed {0} to {1} of {2} (attempt {3})",
              commit.name(),
              pushBranch,
              remote.display(),
              attempt);
          return result(clone, start, commit, commit, attempt);
        }
        if (attempt > retries) {
          throw new PublishException(
              "cannot push to \""
                  + pushBranch
                  + "\" of "
                  + remote.display()
                  + ": the branch kept moving while Upkeep pushed ("
                  + attempt
                  + " attempts); nothing was overwritten, try again later");
        }
        LOG.log(
            Level.INFO,
            "\"{0}\" of {1} moved since the fetch; fetching again (attempt {2})",
            pushBranch,
            remote.display(),
            attempt + 1);
      }
    }
  }

  /**
   * What a publish did, with what the push branch now holds beyond the base so that the pipeline
   * can open or describe its pull request even when this run pushed nothing.
   */
  private PublishResult result(
      Clone clone, Start start, ObjectId head, RevCommit pushed, int attempt) {
    Optional<BranchComparison> ahead = Optional.empty();
    if (!pushBranch.equals(baseBranch)) {
      try {
        ahead = AheadOfBase.compare(clone.repository(), start.base, head);
      } catch (IOException | RuntimeException e) {
        // The push, if any, is done: a branch that cannot be compared only loses its description.
        LOG.log(
            Level.WARNING,
            "cannot compare \"{0}\" with \"{1}\" of {2}: {3}",
            pushBranch,
            baseBranch,
            remote.display(),
            clean(e.getMessage()));
      }
    }
    return new PublishResult(
        remote.display(),
        baseBranch,
        pushBranch,
        Optional.ofNullable(pushed).map(RevCommit::name),
        pushed != null,
        attempt,
        ahead);
  }

  private interface CloneWork<T> {
    T run(Clone clone) throws IOException;
  }

  /** Runs {@code work} on the clone while holding the work directory's lock. */
  private <T> T locked(String what, CloneWork<T> work) {
    WorkDirectoryLock lock = WorkDirectoryLock.acquire(workDirectory(), lockTimeout);
    try (Clone clone = Clone.open(cloneDirectory(), sparseTokens)) {
      clone.repackWhenCrowded();
      return work.run(clone);
    } catch (IOException e) {
      throw failure(what, e);
    } finally {
      lock.close();
    }
  }

  /** Where the clone lives: the configured work directory, or a temporary one made on first use. */
  Path workDirectory() {
    if (configuredWorkDirectory != null) {
      return configuredWorkDirectory;
    }
    Path dir = temporaryWorkDirectory;
    if (dir == null) {
      synchronized (this) {
        dir = temporaryWorkDirectory;
        if (dir == null) {
          try {
            dir = Files.createTempDirectory("upkeep-git-");
          } catch (IOException e) {
            throw new PublishException("cannot create a temporary work directory", e);
          }
          temporaryWorkDirectory = dir;
        }
      }
    }
    return dir;
  }

  private Path cloneDirectory() {
    return workDirectory().resolve("clone");
  }

  /** The commit a run builds on, and the heads it saw. */
  private static final class Start {
    final ObjectId base;
    final ObjectId pushHead;
    final ObjectId commit;

    Start(ObjectId base, ObjectId pushHead, ObjectId commit) {
      this.base = base;
      this.pushHead = pushHead;
      this.commit = commit;
    }
  }

  private enum Outcome {
    PUSHED,
    MOVED
  }

  private Start prepare(Clone clone, boolean forPublish) throws IOException {
    List<String> branches =
        pushBranch.equals(baseBranch) ? List.of(baseBranch) : List.of(baseBranch, pushBranch);
    Map<String, ObjectId> heads;
    try {
      heads = clone.fetch(remote, branches, depth);
    } catch (TransportException e) {
      throw new PublishException(
          "cannot fetch from " + remote.display() + ": " + clean(e.getMessage()), e);
    }
    ObjectId base = heads.get(baseBranch);
    if (base == null) {
      throw new PublishException(
          "the remote " + remote.display() + " has no branch \"" + baseBranch + "\" to build on");
    }
    ObjectId pushHead = heads.get(pushBranch);
    ObjectId start;
    if (strategy == Strategy.STACK || pushBranch.equals(baseBranch)) {
      start = pushHead != null ? pushHead : base;
    } else {
      if (forPublish && pushHead != null) {
        ownership.requireOnlyOwnCommits(
            clone.repository(),
            base,
            pushHead,
            "\"" + pushBranch + "\" of " + remote.display(),
            baseBranch,
            depth);
      }
      start = base;
    }
    clone.checkout(start, false);
    return new Start(base, pushHead, start);
  }

  /** REBUILD on a branch that already is the base plus an identical update: nothing to push. */
  private boolean alreadyRebuilt(Repository repo, Start start, ObjectId tree) throws IOException {
    if (strategy != Strategy.REBUILD || start.pushHead == null) {
      return false;
    }
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit head = walk.parseCommit(start.pushHead);
      return head.getParentCount() == 1
          && head.getParent(0).equals(start.base)
          && head.getTree().equals(tree);
    }
  }

  private static ObjectId treeOf(Repository repo, ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      return walk.parseCommit(commit).getTree().getId();
    }
  }

  private RevCommit commit(Clone clone, TreeChanges changes, ObjectId parent) throws IOException {
    String message =
        commitMessage != null
            ? commitMessage.render(changes, clone.workTree())
            : template.render(changes, automation, baseBranch, pushBranch);
    if (message == null || message.isBlank()) {
      // Git refuses such a commit; made anyway, its subject would be the trailer, which then no
      // longer reads as a trailer, and the next REBUILD would take it for a person's commit.
      throw new PublishException(
          "cannot commit to \""
              + pushBranch
              + "\" of "
              + remote.display()
              + ": the commit message is empty; check the message template");
    }
    PersonIdent committer = new PersonIdent(committerName, committerEmail);
    message =
        ownership.mark(
            message,
            signOff
                ? List.of("Signed-off-by: " + committerName + " <" + committerEmail + ">")
                : List.of());
    PersonIdent author =
        new PersonIdent(
            authorName, authorEmail, committer.getWhenAsInstant(), committer.getZoneId());
    try {
      var cmd =
          clone
              .git()
              .commit()
              .setAuthor(author)
              .setCommitter(committer)
              .setMessage(Redaction.redact(message))
              .setNoVerify(true)
              .setAllowEmpty(true)
              .setSign(Boolean.FALSE);
      if (signing != null) {
        signing.configure(cmd);
      }
      RevCommit c = cmd.call();
      if (!c.getParent(0).equals(parent)) {
        throw new IOException("the commit's parent is not " + parent.name());
      }
      clone.clearDirty();
      return c;
    } catch (GitAPIException | JGitInternalException e) {
      // JGit wraps I/O failures (a lock held by another process, a full disk) in an unchecked
      // exception whose own message says nothing: name the cause.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new PublishException(
          "cannot commit to \""
              + pushBranch
              + "\" of "
              + remote.display()
              + ": "
              + cause.getMessage(),
          e);
    }
  }

  private Outcome push(Clone clone, RevCommit commit, Start start) throws IOException {
    Repository repo = clone.repository();
    String ref = Constants.R_HEADS + pushBranch;
    boolean force = strategy == Strategy.REBUILD && !pushBranch.equals(baseBranch);
    ObjectId expected = start.pushHead == null ? ObjectId.zeroId() : start.pushHead;
    RemoteRefUpdate update = new RemoteRefUpdate(repo, null, commit, ref, force, null, expected);
    PushResult result;
    try (Transport t = remote.open(repo)) {
      // An update changes a few small manifests: searching deltas against the base's blobs cost
      // more than sending them whole (it dominated a profile of pushing 100 of 10,000 files).
      PackConfig pack = new PackConfig(repo);
      pack.setDeltaCompress(false);
      t.setPackConfig(pack);
      result = t.push(NullProgressMonitorHolder.MONITOR, List.of(update));
    } catch (TransportException e) {
      throw new PublishException(
          "cannot push to \""
              + pushBranch
              + "\" of "
              + remote.display()
              + ": "
              + clean(e.getMessage()),
          e);
    }
    RemoteRefUpdate u = result.getRemoteUpdate(ref);
    RemoteRefUpdate.Status status =
        u == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : u.getStatus();
    switch (status) {
      case OK:
        return Outcome.PUSHED;
      case REJECTED_NONFASTFORWARD:
      case REJECTED_REMOTE_CHANGED:
        return Outcome.MOVED;
      default:
        String why = u == null || u.getMessage() == null ? "" : u.getMessage();
        String said = remoteMessages(result);
        String blocker = conflictingBranch(result.getAdvertisedRefs(), ref);
        if (blocker != null) {
          // A JGit server (in-process file://, Gerrit) says only "failed to lock": no race.
          throw new PublishException(
              "cannot create the branch \""
                  + pushBranch
                  + "\" on "
                  + remote.display()
                  + ": it has a branch \""
                  + blocker.substring(Constants.R_HEADS.length())
                  + "\", and Git cannot keep a branch and a branch beneath it by the same"
                  + " name; choose another push branch");
        }
        if (status == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
            && (why.equals("failed to lock") || LOST_REF_RACE.matcher(said).find())) {
          // The server checked the lease, then lost the ref to a concurrent push: Git's
          // receive-pack says the ref "is at X but expected Y", JGit's says "failed to lock".
          return Outcome.MOVED;
        }
        throw new PublishException(
            "the remote "
                + remote.display()
                + " rejected the push to \""
                + pushBranch
                + "\" ("
                + status.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (why.isEmpty() ? "" : ": " + why)
                + ")"
                + (said.isEmpty() ? "" : "; the remote said: " + said));
    }
  }

  /**
   * The remote's ref that keeps {@code ref} from being created, such as {@code refs/heads/upkeep}
   * for {@code refs/heads/upkeep/podinfo} or the other way round; null when there is none.
   */
  private static String conflictingBranch(Collection<Ref> advertised, String ref) {
    for (Ref r : advertised) {
      String name = r.getName();
      if (ref.startsWith(name + "/") || name.startsWith(ref + "/")) {
        return name;
      }
    }
    return null;
  }

  private static String remoteMessages(PushResult result) {
    String m = result.getMessages();
    if (m == null) {
      return "";
    }
    return m.replace("\r", "").strip().replace("\n", " | ");
  }

  private PublishException failure(String what, IOException e) {
    return new PublishException(
        what
            + " "
            + remote.display()
            + " (branch \""
            + pushBranch
            + "\"): "
            + clean(e.getMessage()),
        e);
  }

  /** JGit messages name the URL; ours has no credentials, but be sure. */
  private static String clean(String message) {
    return message == null ? "" : Redaction.redact(message);
  }

  /**
   * Releases the SSH client, if one was started, and deletes the temporary work directory, if this
   * publisher made one; a configured work directory is kept for the next run.
   */
  @Override
  public void close() {
    remote.close();
    Path dir = temporaryWorkDirectory;
    if (dir != null) {
      try {
        WorkDirectoryLock lock = WorkDirectoryLock.acquire(dir, lockTimeout);
        try {
          Clone.deleteTree(dir.resolve("clone"));
        } finally {
          lock.close();
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "cannot delete the temporary work directory {0}: {1}", dir, e);
      }
      try {
        Files.deleteIfExists(dir.resolve("upkeep.lock"));
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot delete the temporary work directory {0}: {1}", dir, e);
      }
    }
  }

  @Override
  public String toString() {
    return "JGitPublisher["
        + remote.display()
        + " "
        + baseBranch
        + " -> "
        + pushBranch
        + ", "
        + strategy.name().toLowerCase(Locale.ROOT)
        + "]";
  }

  private static final class NullProgressMonitorHolder {
    static final org.eclipse.jgit.lib.ProgressMonitor MONITOR =
        org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE;
  }

  /** Configures a {@link JGitPublisher}; required inputs are in {@link JGitPublisher#builder}. */
  public static final class Builder {
    private final String remoteUrl;
    private String baseBranch = "main";
    private String pushBranch;
    private Strategy strategy = Strategy.STACK;
    private String authorName = "Upkeep";
    private String authorEmail = "upkeep@localhost";
    private String committerName;
    private String committerEmail;
    private String template = CommitTemplate.DEFAULT;
    private CommitMessage commitMessage;
    private String automation = "upkeep";
    private boolean signOff;
    private CommitSigning signing;
    private String username;
    private char[] password;
    private Path sshKey;
    private String sshKeyMaterial;
    private Path knownHosts;
    private Path sshHome;
    private int depth;
    private int retries = 3;
    private Duration timeout = Duration.ofSeconds(60);
    private Duration lockTimeout = Duration.ofMinutes(5);
    private Path workDirectory;
    private List<String> sparseTokens = List.of();

    private Builder(String remoteUrl) {
      this.remoteUrl = Objects.requireNonNull(remoteUrl, "remoteUrl");
    }

    /** The branch updates are built from; {@code main} unless set. */
    public Builder baseBranch(String branch) {
      this.baseBranch = branch;
      return this;
    }

    /**
     * The branch to push to, created from the base branch when it does not exist; the base branch
     * itself unless set.
     */
    public Builder pushBranch(String branch) {
      this.pushBranch = branch;
      return this;
    }

    /** How the push branch is built; {@link Strategy#STACK} unless set. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** Who the commits are by; {@code Upkeep <upkeep@localhost>} unless set. */
    public Builder author(String name, String email) {
      this.authorName = name;
      this.authorEmail = email;
      return this;
    }

    /**
     * Who commits; the author unless set. The {@code Signed-off-by} trailer names the committer,
     * and {@link Strategy#REBUILD} counts a commit as its own only when this e-mail committed it.
     */
    public Builder committer(String name, String email) {
      this.committerName = name;
      this.committerEmail = email;
      return this;
    }

    /**
     * The commit message template, with {@code ${name}} variables: {@code summary} (e.g. "Update
     * podinfo to 6.5.4"), {@code changes} (one line per changed value: file, line, old and new
     * value, policy), {@code files}, {@code updated.count}, {@code files.count}, {@code
     * automation}, {@code base}, {@code branch}, and {@code policy.NAME.tag}, {@code .image},
     * {@code .digest}, {@code .artifact} for each selection. Values are inserted verbatim; {@code
     * $${x}} writes a literal {@code ${x}}. Unknown variables fail {@link #build()}.
     */
    public Builder messageTemplate(String template) {
      this.template = template;
      return this;
    }

    /** Writes messages with {@code message} instead of the template (e.g. Flux's templates). */
    public Builder commitMessage(CommitMessage message) {
      this.commitMessage = message;
      return this;
    }

    /**
     * The automation's name, rendered by {@code ${automation}} and written into every commit's
     * {@code Upkeep-Automation:} trailer; {@code upkeep} unless set. One line.
     */
    public Builder automation(String name) {
      this.automation = name;
      return this;
    }

    /** Whether to end messages with a {@code Signed-off-by:} trailer for the committer. */
    public Builder signOff(boolean signOff) {
      this.signOff = signOff;
      return this;
    }

    /**
     * Signs commits with the SSH private key in {@code privateKey} (Git's {@code gpg.format=ssh});
     * verify them with {@code git verify-commit} and an allowed-signers file.
     */
    public Builder signWithSshKey(Path privateKey) {
      this.signing = CommitSigning.ssh(privateKey);
      return this;
    }

    /**
     * Signs commits with an OpenPGP secret key from an ASCII-armored or binary key file (as {@code
     * gpg --export-secret-keys} writes it).
     *
     * @param passphrase the key's passphrase, or null for a key without one
     */
    public Builder signWithOpenPgpKey(Path secretKey, char[] passphrase) {
      this.signing = CommitSigning.openPgp(secretKey, passphrase);
      return this;
    }

    /** HTTPS credentials: a user name and a password or token. */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password").toCharArray();
      Redaction.registerSecret(password);
      return this;
    }

    /**
     * An HTTPS access token (GitHub, GitLab, Gitea), sent as the password of user {@code
     * x-access-token}.
     */
    public Builder token(String token) {
      return credentials("x-access-token", token);
    }

    /** The SSH private key (ed25519, ECDSA or RSA, without a passphrase) to authenticate with. */
    public Builder sshKey(Path privateKey) {
      this.sshKey = privateKey;
      return this;
    }

    /**
     * The SSH private key as text (OpenSSH or PEM, without a passphrase), for keys kept in a secret
     * store rather than a file. Only the parsed key is kept, never the text.
     */
    public Builder sshKeyMaterial(String privateKey) {
      this.sshKeyMaterial = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * The known-hosts file the SSH server's key must be listed in; {@code ~/.ssh/known_hosts}
     * unless set. Unknown hosts are always refused.
     */
    public Builder knownHosts(Path file) {
      this.knownHosts = file;
      return this;
    }

    /** The home directory SSH looks for {@code .ssh/} in; the user's home unless set. */
    public Builder sshHome(Path directory) {
      this.sshHome = directory;
      return this;
    }

    /** Fetch at most {@code depth} commits of history; 0 (the default) fetches all of it. */
    public Builder depth(int depth) {
      this.depth = depth;
      return this;
    }

    /** How often to fetch again and retry a push refused because the branch moved; 3 unless set. */
    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    /** The network timeout of each fetch and push; 60 seconds unless set. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long a run waits for another run using the same work directory; 5 minutes unless set. */
    public Builder lockTimeout(Duration timeout) {
      this.lockTimeout = Objects.requireNonNull(timeout, "lockTimeout");
      return this;
    }

    /**
     * The directory the publisher keeps its clone in ({@code clone/}) and reuses across runs; a
     * fresh temporary directory per publisher unless set.
     */
    public Builder workDirectory(Path directory) {
      this.workDirectory = directory.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Leaves out of the work tree every manifest ({@code *.yaml}, {@code *.yml}, {@code
     * Kustomization}) of plain ASCII whose bytes hold none of {@code asciiTokens}: such a file
     * stays in the index and in every commit exactly as it is, marked as Git's "assume unchanged",
     * but is never written. A pipeline whose files are a {@link
     * dev.upkeep.patch.files.ManifestWalk} screened for the same tokens reads, patches and commits
     * the same files either way, and the first checkout of a repository of ten thousand manifests
     * then writes only the few that matter. Kustomization files (whose namespace applies to the
     * Flux objects beside them) and other files (charts, ignore files, anything not a manifest) are
     * written as usual. A publisher without this option, on the same work directory, writes the
     * files left out back before it works. No tokens (the default): a full checkout.
     *
     * <p>Use it only when nothing reads the work tree but for those tokens: a reader that looks for
     * other text in manifests (ConfigMaps a HelmRelease's {@code valuesFrom} names, say) needs the
     * full tree.
     */
    public Builder sparseCheckout(Collection<String> asciiTokens) {
      for (String token : asciiTokens) {
        if (token == null || token.isBlank() || !token.chars().allMatch(c -> c > 0 && c < 128)) {
          throw new ConfigurationException(
              "sparse checkout tokens must be ASCII text, got \"" + token + "\"");
        }
      }
      this.sparseTokens = List.copyOf(asciiTokens);
      return this;
    }

    /**
     * Validates and builds the publisher.
     *
     * @throws ConfigurationException naming the setting that is wrong
     */
    public JGitPublisher build() {
      requireBranch("base branch", baseBranch);
      if (pushBranch != null) {
        requireBranch("push branch", pushBranch);
      }
      if (strategy == Strategy.REBUILD && (pushBranch == null || pushBranch.equals(baseBranch))) {
        throw new ConfigurationException(
            "strategy REBUILD needs a push branch other than the base branch \""
                + baseBranch
                + "\"; it would reset the base branch");
      }
      requireText("author name", authorName);
      requireText("author e-mail", authorEmail);
      if (committerName != null || committerEmail != null) {
        requireText("committer name", committerName);
        requireText("committer e-mail", committerEmail);
      }
      requireText("automation name", automation);
      if (automation.strip().length() != automation.length() || automation.contains("\n")) {
        throw new ConfigurationException(
            "automation name must be one line without surrounding blanks, got \""
                + automation.replace("\n", "\\n")
                + "\"");
      }
      if (depth < 0) {
        throw new ConfigurationException("depth must be >= 0, got " + depth);
      }
      if (retries < 0) {
        throw new ConfigurationException("retries must be >= 0, got " + retries);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("timeout must be positive, got " + timeout);
      }
      if (sshKey != null && !Files.isReadable(sshKey)) {
        throw new ConfigurationException("cannot read the SSH key file " + sshKey);
      }
      if (knownHosts != null && !Files.isReadable(knownHosts)) {
        throw new ConfigurationException("cannot read the known-hosts file " + knownHosts);
      }
      if (signing != null) {
        signing.validate();
      }
      String[] secret = new String[1];
      URIish uri = RemoteAccess.parse(remoteUrl, secret);
      String user = username;
      char[] pass = password;
      if (pass == null && secret[0] != null) {
        user = uri.getUser();
        pass = secret[0].toCharArray();
      }
      CommitTemplate.of(template);
      RemoteAccess access =
          new RemoteAccess(
              uri,
              user,
              pass,
              sshKey,
              sshKeyMaterial == null ? null : RemoteAccess.keyPairs(sshKeyMaterial),
              knownHosts,
              sshHome,
              timeout);
      return new JGitPublisher(this, access);
    }

    private static void requireBranch(String what, String name) {
      if (name == null
          || name.isBlank()
          || !org.eclipse.jgit.lib.Repository.isValidRefName(Constants.R_HEADS + name)) {
        throw new ConfigurationException("invalid " + what + " name \"" + name + "\"");
      }
    }

    private static void requireText(String what, String value) {
      if (value == null || value.isBlank()) {
        throw new ConfigurationException(what + " must not be blank");
      }
    }
  }
}
