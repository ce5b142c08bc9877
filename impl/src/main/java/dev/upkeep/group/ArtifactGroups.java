package dev.upkeep.group;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.PolicyReport;
import dev.upkeep.Selection;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.UpkeepException;
import dev.upkeep.fleet.TagCache;
import dev.upkeep.publish.ChangeRequestOpener;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.publish.OpenChangeRequest;
import dev.upkeep.source.RegistrySource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs a pipeline as one branch and one pull request per artifact: the policies of each chart or
 * image go to their own branch ({@code upkeep/update-podinfo}), built from the base with one
 * commit, and get their own pull request, which later runs update rather than duplicate. A pull
 * request whose update the base already has (merged, or a newer version there) is closed with a
 * comment.
 *
 * <pre>{@code
 * ArtifactGroups.Result result =
 *     ArtifactGroups.builder(pipeline, "main", branch -> JGitPublisher.builder(remote)
 *             .baseBranch("main").pushBranch(branch).strategy(Strategy.REBUILD).build())
 *         .branchTemplate("upkeep/update-{artifact}")
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>Each artifact's tags are listed once: a plan of every policy on the base tells which groups
 * have updates, then one {@link UpdatePipeline} run per such group, with that group's policies,
 * publisher and pull request, reuses those listings. The publishers must rebuild their branch from
 * the base ({@code Strategy.REBUILD}) so that a branch holds its artifact's update only, and a
 * change the base already has shows as no change. Immutable; one run at a time.
 */
public final class ArtifactGroups {

  /** The placeholder of {@link Builder#branchTemplate} that the artifact's name replaces. */
  public static final String ARTIFACT = "{artifact}";

  /**
   * One artifact's policies and what the run did for them.
   *
   * @param artifact the chart or image, in {@link ArtifactRef#toString()} form
   * @param branch the branch its updates go to
   * @param policies its policies' names
   * @param report the run of its pipeline, when the plan found an update for it
   * @param closed the pull request closed because the base already has the update
   * @param error why its run or the closing failed; the other groups still ran
   */
  public record Group(
      String artifact,
      String branch,
      List<String> policies,
      Optional<UpdateReport> report,
      Optional<OpenChangeRequest> closed,
      Optional<String> error) {

    /** Copies the list. */
    public Group {
      policies = List.copyOf(policies);
      Objects.requireNonNull(report, "report");
      Objects.requireNonNull(closed, "closed");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * A grouped run.
   *
   * @param plan the plan of every policy on the base, which chose the groups to run
   * @param groups one per artifact, in the order of their first policy
   */
  public record Result(UpdateReport plan, List<Group> groups) {

    /** Copies the list. */
    public Result {
      groups = List.copyOf(groups);
    }

    /** Whether the plan or any group's run reported an error. */
    public boolean hasErrors() {
      return plan.hasErrors()
          || groups.stream()
              .anyMatch(
                  g ->
                      g.error().isPresent()
                          || g.report().map(UpdateReport::hasErrors).orElse(false));
    }
  }

  private final UpdatePipeline pipeline;
  private final String baseBranch;
  private final Function<String, GitPublisher> publisherForBranch;
  private final String branchTemplate;

  private ArtifactGroups(Builder b) {
    this.pipeline = b.pipeline;
    this.baseBranch = b.baseBranch;
    this.publisherForBranch = b.publisherForBranch;
    this.branchTemplate = b.branchTemplate;
  }

  /**
   * Starts a grouped run of {@code pipeline}'s policies, with its sources, patcher, files, pull
   * request opener, title, labels and reviewers; its publisher only reads the base for the plan.
   *
   * @param baseBranch the branch the pull requests merge into
   * @param publisherForBranch the publisher that pushes one group's branch, rebuilding it from the
   *     base
   */
  public static Builder builder(
      UpdatePipeline pipeline,
      String baseBranch,
      Function<String, GitPublisher> publisherForBranch) {
    return new Builder(pipeline, baseBranch, publisherForBranch);
  }

  /**
   * Plans every policy on the base, runs each group that has an update, and closes the open pull
   * requests of groups whose update the base already has.
   *
   * @throws dev.upkeep.UpkeepException as {@link UpdatePipeline#run()} does
   */
  public Result run() {
    // One cache per source, as each source may see other registries; the group pipelines are
    // never closed, so the wrappers never close the sources the caller owns.
    List<RegistrySource> shared =
        pipeline.sources().stream()
            .map(source -> TagCache.create().wrap(source))
            .collect(Collectors.toList());
    UpdateReport plan =
        copy(pipeline.policies().keySet(), pipeline.publisher(), shared, false, null)
            .build()
            .plan();
    Map<String, Selection> selections = new HashMap<>();
    plan.policies().forEach(p -> p.selection().ifPresent(s -> selections.put(p.policy(), s)));
    Set<String> changedPolicies = new LinkedHashSet<>();
    plan.files().forEach(f -> f.changes().forEach(c -> changedPolicies.add(c.policy())));

    Map<ArtifactRef, List<String>> byArtifact = new LinkedHashMap<>();
    pipeline
        .policies()
        .values()
        .forEach(
            p -> byArtifact.computeIfAbsent(p.artifact(), a -> new ArrayList<>()).add(p.name()));
    Map<ArtifactRef, String> branches = branches(byArtifact.keySet());
    String prefix = branchTemplate.substring(0, branchTemplate.indexOf(ARTIFACT));
    Optional<ChangeRequestOpener> opener = pipeline.changeRequestOpener();
    List<OpenChangeRequest> open = List.of();
    if (opener.isPresent() && !plan.hasErrors()) {
      try {
        open = opener.get().openRequests(prefix, baseBranch);
      } catch (UnsupportedOperationException e) {
        // an opener that cannot list still opens and updates; nothing is closed then
      }
    }

    List<Group> groups = new ArrayList<>();
    for (Map.Entry<ArtifactRef, List<String>> e : byArtifact.entrySet()) {
      ArtifactRef artifact = e.getKey();
      String branch = branches.get(artifact);
      List<String> names = e.getValue();
      Optional<UpdateReport> report = Optional.empty();
      Optional<OpenChangeRequest> closed = Optional.empty();
      Optional<String> error = Optional.empty();
      try {
        if (names.stream().anyMatch(changedPolicies::contains)) {
          report =
              Optional.of(
                  copy(
                          names,
                          publisherForBranch.apply(branch),
                          shared,
                          true,
                          new GroupPatcher(pipeline.patcher(), selections, Set.copyOf(names)))
                      .changeRequestTitle(pipeline.changeRequestTitle() + ": " + artifact.name())
                      .build()
                      .run());
        } else if (upToDate(plan, names)) {
          for (OpenChangeRequest r : open) {
            if (r.sourceBranch().equals(branch)) {
              opener.get().close(r.number(), closing(plan, names));
              closed = Optional.of(r);
            }
          }
        }
      } catch (UpkeepException ex) {
        // one artifact's refused push or failed request does not hold back the others
        error = Optional.of(ex.getMessage());
      }
      groups.add(new Group(artifact.toString(), branch, names, report, closed, error));
    }
    return new Result(plan, groups);
  }

  /** Every policy of the group selected a version and none moves a value on the base. */
  private static boolean upToDate(UpdateReport plan, List<String> names) {
    return names.stream()
        .allMatch(
            n -> plan.policy(n).map(p -> p.status() == PolicyReport.Status.SELECTED).orElse(false));
  }

  private String closing(UpdateReport plan, List<String> names) {
    String versions =
        names.stream()
            .map(n -> plan.policy(n).flatMap(PolicyReport::selection))
            .flatMap(Optional::stream)
            .map(s -> "`" + s.policy() + "` " + s.tag())
            .collect(Collectors.joining(", "));
    return "Closed by Upkeep: `"
        + baseBranch
        + "` already has the newest versions its policies allow ("
        + versions
        + "), so this update is merged or superseded.";
  }

  /**
   * A branch per artifact: the template with the artifact's name, or its whole reference when two
   * artifacts share a name.
   */
  private Map<ArtifactRef, String> branches(Set<ArtifactRef> artifacts) {
    Map<String, Integer> uses = new HashMap<>();
    artifacts.forEach(a -> uses.merge(slug(a.name()), 1, Integer::sum));
    Map<ArtifactRef, String> out = new LinkedHashMap<>();
    for (ArtifactRef a : artifacts) {
      String name = uses.get(slug(a.name())) > 1 ? slug(a.imageName()) : slug(a.name());
      if (a.kind() == ArtifactRef.Kind.HELM_REPOSITORY && uses.get(slug(a.name())) > 1) {
        name = slug(a.toString());
      }
      out.put(a, branchTemplate.replace(ARTIFACT, name));
    }
    return out;
  }

  private static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._]+", "-").replaceAll("^-+|-+$", "");
  }

  private UpdatePipeline.Builder copy(
      Iterable<String> names,
      GitPublisher publisher,
      List<RegistrySource> sources,
      boolean withOpener,
      GroupPatcher patcher) {
    UpdatePipeline.Builder b =
        UpdatePipeline.builder()
            .patcher(patcher != null ? patcher : pipeline.patcher())
            .files(pipeline.files())
            .publisher(publisher)
            .changeRequestTitle(pipeline.changeRequestTitle())
            .labels(pipeline.labels())
            .reviewers(pipeline.reviewers())
            .chartReviewer(pipeline.chartReviewer())
            .listener(pipeline.listener())
            .concurrency(pipeline.concurrency())
            .strict(pipeline.strict());
    sources.forEach(b::source);
    for (String name : names) {
      UpdatePipeline.Policy p = pipeline.policies().get(name);
      b.policy(p.name(), p.artifact(), p.policy(), p.options());
    }
    if (withOpener) {
      pipeline.changeRequestOpener().ifPresent(b::changeRequests);
    }
    return b;
  }

  /** Configures {@link ArtifactGroups}. */
  public static final class Builder {
    private final UpdatePipeline pipeline;
    private final String baseBranch;
    private final Function<String, GitPublisher> publisherForBranch;
    private String branchTemplate = "upkeep/update-" + ARTIFACT;

    private Builder(
        UpdatePipeline pipeline,
        String baseBranch,
        Function<String, GitPublisher> publisherForBranch) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
      this.baseBranch = Objects.requireNonNull(baseBranch, "baseBranch");
      this.publisherForBranch = Objects.requireNonNull(publisherForBranch, "publisherForBranch");
    }

    /**
     * The branch of each artifact: {@value #ARTIFACT} is replaced by the artifact's name ({@code
     * podinfo}), or by its whole reference when two artifacts share a name. The default is {@code
     * upkeep/update-{artifact}}. The text before the placeholder is the prefix by which the run
     * finds its own open pull requests.
     *
     * @throws ConfigurationException when the template has no {@value #ARTIFACT} or names the base
     */
    public Builder branchTemplate(String template) {
      if (template == null || !template.contains(ARTIFACT)) {
        throw new ConfigurationException(
            "branch template \"" + template + "\" must contain " + ARTIFACT);
      }
      this.branchTemplate = template;
      return this;
    }

    /** The grouped run. */
    public ArtifactGroups build() {
      return new ArtifactGroups(this);
    }
  }
}
