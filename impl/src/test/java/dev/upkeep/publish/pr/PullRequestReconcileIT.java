package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Finding;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.source.RegistrySource;
import dev.upkeep.testing.GitRemoteFixture;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pull request that failed to open after a successful push is opened by the next run, and every
 * run rewrites its description to all the branch changes relative to the base: a bare Git remote
 * and the scripted GitHub API.
 */
class PullRequestReconcileIT {
  static final String LIST =
      "GET /api/repos/org/fleet/pulls?state=open&head=org%3Adevelop&base=main&per_page=10";
  static final String CLOSED =
      "GET /api/repos/org/fleet/pulls?state=closed&head=org%3Adevelop&base=main&per_page=10";
  static final String CREATE = "POST /api/repos/org/fleet/pulls";
  static final String UPDATE = "PATCH /api/repos/org/fleet/pulls/7";
  static final String PR_7 =
      "{\"number\": 7, \"html_url\": \"https://github.com/org/fleet/pull/7\"}";
  static final ArtifactRef ALPHA = ArtifactRef.parse("oci://ghcr.io/org/charts/alpha");
  static final ArtifactRef BETA = ArtifactRef.parse("oci://ghcr.io/org/charts/beta");

  final Map<String, List<String>> tags = new ConcurrentHashMap<>();
  FakeGitHost host;
  GitRemoteFixture fleet;

  static String release(String name, String version) {
    return "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        + "kind: HelmRelease\n"
        + "metadata:\n"
        + "  name: "
        + name
        + "\n"
        + "spec:\n"
        + "  chart:\n"
        + "    spec:\n"
        + "      chart: "
        + name
        + "\n"
        + "      version: "
        + version
        + " # {\"$imagepolicy\": \"flux-system:"
        + name
        + ":tag\"}\n";
  }

  @BeforeEach
  void start() throws Exception {
    host = new FakeGitHost();
    fleet = GitRemoteFixture.create();
    fleet.seed(
        Map.of(
            "clusters/dev/alpha.yaml", release("alpha", "1.0.0"),
            "clusters/dev/beta.yaml", release("beta", "2.0.0")));
    tags.put(ALPHA.toString(), new CopyOnWriteArrayList<>(List.of("1.0.0", "1.1.0")));
    tags.put(BETA.toString(), new CopyOnWriteArrayList<>(List.of("2.0.0")));
  }

  @AfterEach
  void stop() {
    host.close();
    fleet.close();
  }

  UpdatePipeline pipeline(Path work) {
    return pipeline(work, JGitPublisher.Strategy.STACK);
  }

  UpdatePipeline pipeline(Path work, JGitPublisher.Strategy strategy) {
    RegistrySource registry =
        new RegistrySource() {
          @Override
          public List<String> listTags(ArtifactRef ref) {
            return List.copyOf(tags.get(ref.toString()));
          }

          @Override
          public Optional<String> digest(ArtifactRef ref, String tag) {
            return Optional.empty();
          }
        };
    return UpdatePipeline.builder()
        .source(registry)
        .policy("flux-system:alpha", ALPHA, SemverPolicy.of("1.x"))
        .policy("flux-system:beta", BETA, SemverPolicy.of("2.x"))
        .patcher(SetterPatcher.create())
        .publisher(
            JGitPublisher.builder(fleet.url())
                .workDirectory(work)
                .baseBranch("main")
                .pushBranch("develop")
                .strategy(strategy)
                .author("Upkeep", "upkeep@example.com")
                .build())
        .changeRequests(
            GitHubOpener.builder("org/fleet", "ghp_0123456789abcdef").apiUrl(host.api()).build())
        .build();
  }

  List<FakeGitHost.Request> requestsSince(int from) {
    List<FakeGitHost.Request> all = host.requests();
    return all.subList(from, all.size());
  }

  static String body(FakeGitHost.Request r) {
    return String.valueOf(((Map<?, ?>) r.json()).get("body"));
  }

  @ParameterizedTest
  @EnumSource(JGitPublisher.Strategy.class)
  void opensThePullRequestThatFailedOnTheNextRunAndKeepsItsBodyCoveringTheWholeBranch(
      JGitPublisher.Strategy strategy, @TempDir Path work) {
    // Run 1: the push works, the forge answers 503.
    host.on(LIST, 200, "[]")
        .on(CLOSED, 200, "[]")
        .on(CREATE, 503, "{\"message\": \"Service Unavailable\"}");
    UpdateReport first = pipeline(work, strategy).run();
    String pushed = first.commit().orElseThrow();
    assertThat(fleet.head("develop")).hasValue(pushed);
    assertThat(first.changeRequest()).isEmpty();
    assertThat(first.hasErrors()).isTrue();
    assertThat(first.findings())
        .filteredOn(f -> f.severity() == Finding.Severity.ERROR)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("pushed " + pushed + " to develop, but the pull request failed")
        .contains("503");

    // Run 2: nothing new to push, the pull request is opened anyway, describing run 1's change.
    int before = host.requests().size();
    host.on(CREATE, 201, PR_7);
    UpdateReport second = pipeline(work, strategy).run();
    assertThat(second.commit()).isEmpty();
    assertThat(fleet.head("develop")).hasValue(pushed);
    assertThat(second.hasErrors()).isFalse();
    assertThat(second.changeRequest())
        .hasValue(new ChangeRequest(7, URI.create("https://github.com/org/fleet/pull/7"), true));
    List<FakeGitHost.Request> run2 = requestsSince(before);
    assertThat(run2)
        .extracting(r -> r.method() + " " + r.target())
        .containsExactly(LIST, CLOSED, CREATE);
    assertThat(body(run2.get(2)))
        .contains("`clusters/dev/alpha.yaml:9`")
        .contains("| `1.0.0` | `1.1.0` |")
        .doesNotContain("beta.yaml");

    // Run 3: a newer alpha and beta; the same pull request is updated, its body covering every
    // move from the base, not from run 1's commit, and not what a person merged into main since.
    fleet.commit(
        "main", Map.of("clusters/dev/gamma.yaml", release("gamma", "3.0.0")), "Jane", "Add gamma");
    tags.get(ALPHA.toString()).add("1.2.0");
    tags.get(BETA.toString()).add("2.1.0");
    before = host.requests().size();
    host.on(LIST, 200, "[" + PR_7 + "]").on(UPDATE, 200, PR_7);
    UpdateReport third = pipeline(work, strategy).run();
    assertThat(third.commit()).isPresent();
    // The run itself reports what it wrote: STACK builds on run 1's commit, REBUILD on main.
    assertThat(third.changes())
        .extracting(c -> c.oldValue() + " -> " + c.newValue())
        .containsExactly(
            strategy == JGitPublisher.Strategy.STACK ? "1.1.0 -> 1.2.0" : "1.0.0 -> 1.2.0",
            "2.0.0 -> 2.1.0");
    assertThat(third.changeRequest())
        .hasValue(new ChangeRequest(7, URI.create("https://github.com/org/fleet/pull/7"), false));
    List<FakeGitHost.Request> run3 = requestsSince(before);
    assertThat(run3).extracting(r -> r.method() + " " + r.target()).containsExactly(LIST, UPDATE);
    assertThat(body(run3.get(1)))
        .contains("| `1.0.0` | `1.2.0` |")
        .contains("| `2.0.0` | `2.1.0` |")
        .doesNotContain("`1.1.0`")
        .doesNotContain("`clusters/dev/gamma.yaml")
        .doesNotContain("a/clusters/dev/gamma.yaml")
        .contains("clusters/dev/alpha.yaml")
        .contains("clusters/dev/beta.yaml");
  }

  @Test
  void leavesAPullRequestAPersonClosedUnmergedClosedUntilTheBranchMoves(@TempDir Path work) {
    host.on(LIST, 200, "[]").on(CLOSED, 200, "[]").on(CREATE, 201, PR_7);
    String pushed = pipeline(work).run().commit().orElseThrow();
    // A person closes #7 without merging it; develop stays where the run left it.
    host.on(
        CLOSED,
        200,
        "[{\"number\": 7, \"html_url\": \"https://github.com/org/fleet/pull/7\","
            + " \"merged_at\": null, \"head\": {\"ref\": \"develop\", \"sha\": \""
            + pushed
            + "\"}}]");
    int before = host.requests().size();

    UpdateReport again = pipeline(work).run();

    assertThat(requestsSince(before))
        .extracting(r -> r.method() + " " + r.target())
        .containsExactly(LIST, CLOSED);
    assertThat(again.hasErrors()).isFalse();
    assertThat(again.changeRequest())
        .hasValue(ChangeRequest.declined(7, URI.create("https://github.com/org/fleet/pull/7")));
    assertThat(again.findings())
        .extracting(Finding::message)
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("pull request #7")
                    .contains("closed without merging")
                    .contains(pushed));
    assertThat(again.toJson()).contains("\"declined\": true");

    // A newer alpha moves the branch: that is a new proposal, and it is opened.
    tags.get(ALPHA.toString()).add("1.2.0");
    host.on(CREATE, 201, "{\"number\": 8, \"html_url\": \"https://github.com/org/fleet/pull/8\"}");
    before = host.requests().size();

    UpdateReport newer = pipeline(work).run();

    assertThat(requestsSince(before))
        .extracting(r -> r.method() + " " + r.target())
        .containsExactly(LIST, CLOSED, CREATE);
    assertThat(newer.changeRequest())
        .hasValue(new ChangeRequest(8, URI.create("https://github.com/org/fleet/pull/8"), true));
  }

  @Test
  void opensNothingWhenTheBranchWasMergedIntoTheBase(@TempDir Path work) {
    host.on(LIST, 200, "[]").on(CLOSED, 200, "[]").on(CREATE, 201, PR_7);
    pipeline(work).run();
    fleet.git("update-ref", "refs/heads/main", fleet.head("develop").orElseThrow());
    int before = host.requests().size();

    UpdateReport again = pipeline(work).run();

    assertThat(again.commit()).isEmpty();
    assertThat(again.changeRequest()).isEmpty();
    assertThat(requestsSince(before)).isEmpty();
  }
}
