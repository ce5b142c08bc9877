package dev.upkeep.publish.git;

import dev.upkeep.publish.PublishException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Tells the automation's own commits from a person's, by content rather than by author: every
 * commit the automation writes ends with an {@value #TRAILER} trailer naming the automation, and a
 * commit counts as its own only when it carries that trailer and the automation committed it. A
 * person who amends or rebases the automation's commit becomes its committer, so the commit is
 * theirs from then on, whoever its author is.
 *
 * <p>{@link JGitPublisher.Strategy#REBUILD} asks {@link #requireOnlyOwnCommits} before it drops a
 * branch's commits. Immutable and thread-safe.
 */
final class BranchOwnership {

  /** The trailer key the automation's commits carry. */
  static final String TRAILER = "Upkeep-Automation";

  private static final Pattern TRAILER_LINE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*:\\s.*");

  private final String automation;
  private final String committerEmail;

  BranchOwnership(String automation, String committerEmail) {
    this.automation = automation;
    this.committerEmail = committerEmail;
  }

  /**
   * {@code message} with this automation's trailer, and {@code extra} trailers (such as {@code
   * Signed-off-by}) after it, in the message's trailer block: appended to the last paragraph when
   * that paragraph already is one (a template's own {@code Co-authored-by:}), else after a blank
   * line, as {@code git interpret-trailers} places them.
   */
  String mark(String message, List<String> extra) {
    String body = message.strip();
    List<String> trailers = new ArrayList<>();
    trailers.add(TRAILER + ": " + automation);
    trailers.addAll(extra);
    String joined = String.join("\n", trailers);
    return body + (lastParagraphIsTrailers(body) ? "\n" : "\n\n") + joined + "\n";
  }

  /** Whether {@code c} is the automation's own: its trailer, and its committer. */
  boolean isOwn(RevCommit c) {
    return c.getCommitterIdent().getEmailAddress().equalsIgnoreCase(committerEmail)
        && trailers(c.getFullMessage()).contains(TRAILER + ": " + automation);
  }

  /**
   * Refuses, naming each one, when a commit on {@code head} but not on {@code base} is not the
   * automation's own: rebuilding the branch from {@code base} would drop it.
   *
   * @param branch how the branch is named in messages, e.g. {@code "develop" of https://...}
   * @param depth the fetch depth, named when a shallow history hides who committed
   * @throws PublishException naming the short id, author and subject of each person's commit
   */
  void requireOnlyOwnCommits(
      Repository repo, ObjectId base, ObjectId head, String branch, String baseBranch, int depth)
      throws IOException {
    List<RevCommit> onBranch =
        repo.getObjectDatabase().getShallowCommits().isEmpty()
            ? commitsNotIn(repo, head, base)
            : commitsNotInShallow(repo, head, base, branch, depth);
    List<String> foreign = new ArrayList<>();
    for (RevCommit c : onBranch) {
      if (!isOwn(c)) {
        PersonIdent a = c.getAuthorIdent();
        foreign.add(
            c.abbreviate(7).name()
                + " by "
                + a.getName()
                + " <"
                + a.getEmailAddress()
                + ">: \""
                + c.getShortMessage()
                + "\"");
      }
    }
    if (!foreign.isEmpty()) {
      throw new PublishException(
          "refusing to rebuild "
              + branch
              + ": "
              + foreign.size()
              + " of its "
              + onBranch.size()
              + " commits not on \""
              + baseBranch
              + "\" are a person's, not the automation's (no \""
              + TRAILER
              + ": "
              + automation
              + "\" trailer, or not committed by "
              + committerEmail
              + ") ("
              + String.join("; ", foreign)
              + "); merge or move that work, or use Strategy.STACK");
    }
  }

  /**
   * The trailer lines of {@code message}: its last paragraph when every line of it is {@code Key:
   * value} (or a continuation), and it is not the subject.
   */
  static List<String> trailers(String message) {
    String body = message.strip();
    int cut = body.lastIndexOf("\n\n");
    if (cut < 0 || !lastParagraphIsTrailers(body)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : body.substring(cut + 2).split("\n")) {
      if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
        out.add(line.strip());
      }
    }
    return out;
  }

  private static boolean lastParagraphIsTrailers(String body) {
    int cut = body.lastIndexOf("\n\n");
    if (cut < 0) {
      return false; // the subject is never a trailer
    }
    String[] lines = body.substring(cut + 2).split("\n");
    if (lines.length == 0 || !TRAILER_LINE.matcher(lines[0]).matches()) {
      return false;
    }
    for (String line : lines) {
      boolean continuation = !line.isEmpty() && Character.isWhitespace(line.charAt(0));
      if (!continuation && !TRAILER_LINE.matcher(line).matches()) {
        return false;
      }
    }
    return true;
  }

  private static List<RevCommit> commitsNotIn(Repository repo, ObjectId head, ObjectId base)
      throws IOException {
    List<RevCommit> out = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(head));
      walk.markUninteresting(walk.parseCommit(base));
      for (RevCommit c : walk) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * The same for a shallow clone, reading parents from the commit objects themselves (a shallow
   * clone's walk pretends the boundary commits have none). Commits whose objects were not fetched
   * make it refuse: a person's commit could hide among them.
   */
  private static List<RevCommit> commitsNotInShallow(
      Repository repo, ObjectId head, ObjectId base, String branch, int depth) throws IOException {
    try (ObjectReader reader = repo.newObjectReader()) {
      Set<ObjectId> baseSide = new HashSet<>();
      Deque<ObjectId> todo = new ArrayDeque<>(List.of(base));
      while (!todo.isEmpty()) {
        ObjectId id = todo.pop();
        if (baseSide.add(id.copy()) && reader.has(id)) {
          for (RevCommit p : RevCommit.parse(reader.open(id).getCachedBytes()).getParents()) {
            todo.push(p.getId());
          }
        }
      }
      List<RevCommit> out = new ArrayList<>();
      Set<ObjectId> seen = new HashSet<>();
      todo.push(head);
      while (!todo.isEmpty()) {
        ObjectId id = todo.pop();
        if (baseSide.contains(id) || !seen.add(id.copy())) {
          continue;
        }
        if (!reader.has(id)) {
          throw new PublishException(
              "refusing to rebuild "
                  + branch
                  + ": its history is cut off at "
                  + id.abbreviate(7).name()
                  + " by the fetch depth "
                  + depth
                  + ", so Upkeep cannot tell whether only its own commits would be dropped;"
                  + " raise depth(...) or leave it at 0");
        }
        RevCommit c = RevCommit.parse(reader.open(id).getCachedBytes());
        out.add(c);
        for (RevCommit p : c.getParents()) {
          todo.push(p.getId());
        }
      }
      return out;
    }
  }
}
