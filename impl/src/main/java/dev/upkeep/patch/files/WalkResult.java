package dev.upkeep.patch.files;

import dev.upkeep.Finding;
import java.util.List;

/**
 * What a walk over a repository found.
 *
 * @param patched the manifests with at least one change, in path order
 * @param findings warnings from the patcher, files that did not parse (errors) and files skipped as
 *     binary (info), in path order
 * @param filesListed how many manifests the walk listed
 * @param filesParsed how many passed the patcher's cheap pre-filter and were parsed
 */
public record WalkResult(
    List<FilePatch> patched, List<Finding> findings, int filesListed, int filesParsed) {

  /** Copies the lists so the result is immutable. */
  public WalkResult {
    patched = List.copyOf(patched);
    findings = List.copyOf(findings);
  }
}
