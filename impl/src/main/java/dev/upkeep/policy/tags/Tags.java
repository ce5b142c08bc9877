package dev.upkeep.policy.tags;

import dev.upkeep.policy.Rejection;
import java.util.Collection;

/** Checks and messages shared by the policies of this package. */
final class Tags {

  private Tags() {}

  static void require(Collection<String> tags) {
    if (tags == null) {
      throw new IllegalArgumentException("tags is null; expected a list of tags (may be empty)");
    }
  }

  static Rejection nullTag() {
    return new Rejection("", Rejection.Reason.NOT_A_VERSION, "a null tag is not a tag");
  }
}
