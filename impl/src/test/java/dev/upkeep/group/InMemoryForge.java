package dev.upkeep.group;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestOpener;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.OpenChangeRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A forge that keeps its pull requests in memory, finding open ones by branch as hosts do. */
final class InMemoryForge implements ChangeRequestOpener {

  static final class PullRequest {
    final long number;
    final String source;
    final String target;
    String title;
    String body;
    boolean open = true;
    int updates;
    final List<String> comments = new ArrayList<>();

    PullRequest(long number, String source, String target) {
      this.number = number;
      this.source = source;
      this.target = target;
    }

    URI url() {
      return URI.create("https://forge.test/pulls/" + number);
    }
  }

  final List<PullRequest> pulls = new ArrayList<>();

  @Override
  public synchronized ChangeRequest openOrUpdate(ChangeRequestSpec spec) {
    for (PullRequest pr : pulls) {
      if (pr.open
          && pr.source.equals(spec.sourceBranch())
          && pr.target.equals(spec.targetBranch())) {
        pr.title = spec.title();
        pr.body = spec.body();
        pr.updates++;
        return new ChangeRequest(pr.number, pr.url(), false);
      }
    }
    PullRequest pr = new PullRequest(pulls.size() + 1, spec.sourceBranch(), spec.targetBranch());
    pr.title = spec.title();
    pr.body = spec.body();
    pulls.add(pr);
    return new ChangeRequest(pr.number, pr.url(), true);
  }

  @Override
  public synchronized List<OpenChangeRequest> openRequests(String branchPrefix, String target) {
    List<OpenChangeRequest> out = new ArrayList<>();
    for (PullRequest pr : pulls) {
      if (pr.open && pr.source.startsWith(branchPrefix) && pr.target.equals(target)) {
        out.add(new OpenChangeRequest(pr.number, pr.url(), pr.source, pr.target));
      }
    }
    return out;
  }

  @Override
  public synchronized void close(long number, String comment) {
    PullRequest pr = pulls.get((int) number - 1);
    pr.comments.add(comment);
    pr.open = false;
  }

  synchronized PullRequest from(String branch) {
    return pulls.stream().filter(p -> p.source.equals(branch)).findFirst().orElseThrow();
  }
}
