package dev.upkeep.policy.semver;

import java.util.List;

/**
 * A parsed constraint: {@code ||} alternatives of AND groups of {@link Atom}s, checked as
 * Masterminds semver v3 {@code Constraints.Check} does.
 */
final class Constraint {

  /** What a check says about a version. */
  enum Verdict {
    ACCEPTED,
    PRERELEASE,
    OUT_OF_RANGE
  }

  private final Atom[][] groups;
  private final boolean[] groupNamesPrerelease;
  private final boolean anyGroupNamesPrerelease;

  Constraint(List<List<Atom>> groups) {
    this.groups = new Atom[groups.size()][];
    this.groupNamesPrerelease = new boolean[groups.size()];
    boolean any = false;
    for (int g = 0; g < groups.size(); g++) {
      this.groups[g] = groups.get(g).toArray(new Atom[0]);
      for (Atom atom : this.groups[g]) {
        if (atom.con.isPrerelease()) {
          groupNamesPrerelease[g] = true;
          any = true;
        }
      }
    }
    this.anyGroupNamesPrerelease = any;
  }

  /** Whether {@code v} satisfies one of the alternatives. */
  boolean test(SemVersion v) {
    if (v.isPrerelease() && !anyGroupNamesPrerelease) {
      return false;
    }
    for (int g = 0; g < groups.length; g++) {
      if (groupAccepts(g, v)) {
        return true;
      }
    }
    return false;
  }

  /** Like {@link #test}, but says why a version is not accepted. */
  Verdict verdict(SemVersion v) {
    if (test(v)) {
      return Verdict.ACCEPTED;
    }
    return v.isPrerelease() && !anyGroupNamesPrerelease ? Verdict.PRERELEASE : Verdict.OUT_OF_RANGE;
  }

  private boolean groupAccepts(int g, SemVersion v) {
    boolean includePre = groupNamesPrerelease[g];
    for (Atom atom : groups[g]) {
      if (!atom.test(v, includePre)) {
        return false;
      }
    }
    return true;
  }

  /** Number of {@code ||} alternatives. */
  int alternatives() {
    return groups.length;
  }

  /** Number of comparisons in alternative {@code g}. */
  int comparisons(int g) {
    return groups[g].length;
  }

  Atom atom(int g, int i) {
    return groups[g][i];
  }
}
