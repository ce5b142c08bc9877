package dev.upkeep.testing.oci;

/** How {@link dev.upkeep.testing.FakeOciRegistry} pages its tag lists. */
public enum Pagination {
  /** {@code Link: </v2/NAME/tags/list?n=N&last=TAG>; rel="next"}, as distribution writes it. */
  RELATIVE_LINKS,
  /** The same link as an absolute {@code http://HOST/...} URL, as some registries write it. */
  ABSOLUTE_LINKS,
  /** Every page's {@code Link} points back at the first page: a client without a guard loops. */
  LOOPING_LINKS,
  /**
   * Like distribution 2.8: ignores {@code n} and {@code last}, sends every tag, no {@code Link}.
   */
  IGNORE_N
}
