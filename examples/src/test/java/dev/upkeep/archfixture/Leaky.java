package dev.upkeep.archfixture;

/** A class that breaks the architecture rules on purpose, to show that they can fail. */
public final class Leaky {
  /** Exposes a JGit type. */
  public org.eclipse.jgit.lib.ObjectId head() {
    return org.eclipse.jgit.lib.ObjectId.zeroId();
  }
}
