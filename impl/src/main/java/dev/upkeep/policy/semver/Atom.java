package dev.upkeep.policy.semver;

/**
 * One comparison of a constraint, such as {@code >=1.2} or {@code ~1.x}, with the checks of
 * Masterminds semver v3 ({@code constraints.go}), including their quirks: {@code >1.1} means {@code
 * >=1.2.0}, {@code <=2} includes 2.99.0, {@code !=4.1} excludes all of 4.1.x, {@code ~0.0.0}
 * matches everything.
 */
final class Atom {

  /**
   * The operators; {@code =}/empty, {@code =>}/{@code >=}, {@code =<}/{@code <=}, {@code ~>}/{@code
   * ~} share one.
   */
  enum Op {
    TILDE_OR_EQUAL,
    NOT_EQUAL,
    GREATER,
    LESS,
    GREATER_OR_EQUAL,
    LESS_OR_EQUAL,
    TILDE,
    CARET
  }

  final Op op;

  /** The operand with wildcards and missing parts filled with 0. */
  final SemVersion con;

  /** A wildcard or missing part somewhere ({@code 1.x}, {@code 1.2}, {@code *}). */
  final boolean dirty;

  /** The minor part is a wildcard or missing ({@code 1}, {@code 1.x}). */
  final boolean minorDirty;

  /** The patch part is a wildcard or missing ({@code 1.2}, {@code 1.2.x}). */
  final boolean patchDirty;

  Atom(Op op, SemVersion con, boolean dirty, boolean minorDirty, boolean patchDirty) {
    this.op = op;
    this.con = con;
    this.dirty = dirty;
    this.minorDirty = minorDirty;
    this.patchDirty = patchDirty;
  }

  static Op op(String text) {
    switch (text) {
      case "":
      case "=":
        return Op.TILDE_OR_EQUAL;
      case "!=":
        return Op.NOT_EQUAL;
      case ">":
        return Op.GREATER;
      case "<":
        return Op.LESS;
      case ">=":
      case "=>":
        return Op.GREATER_OR_EQUAL;
      case "<=":
      case "=<":
        return Op.LESS_OR_EQUAL;
      case "~":
      case "~>":
        return Op.TILDE;
      case "^":
        return Op.CARET;
      default:
        throw new IllegalStateException("unknown operator " + text);
    }
  }

  /**
   * Whether {@code v} passes. {@code includePre} is decided for the whole AND group: true when any
   * comparison of the group names a prerelease.
   */
  boolean test(SemVersion v, boolean includePre) {
    if (!includePre && v.isPrerelease()) {
      return false;
    }
    switch (op) {
      case TILDE_OR_EQUAL:
        return dirty ? tilde(v) : v.compareTo(con) == 0;
      case NOT_EQUAL:
        return notEqual(v);
      case GREATER:
        return greater(v);
      case LESS:
        return v.compareTo(con) < 0;
      case GREATER_OR_EQUAL:
        return v.compareTo(con) >= 0;
      case LESS_OR_EQUAL:
        return lessOrEqual(v);
      case TILDE:
        return tilde(v);
      case CARET:
        return caret(v);
      default:
        throw new IllegalStateException(op.name());
    }
  }

  private boolean notEqual(SemVersion v) {
    if (dirty) {
      if (con.major != v.major) {
        return true;
      }
      if (con.minor != v.minor && !minorDirty) {
        return true;
      } else if (minorDirty) {
        return false;
      } else if (con.patch != v.patch && !patchDirty) {
        return true;
      } else if (patchDirty) {
        if (v.isPrerelease() || con.isPrerelease()) {
          return SemVersion.comparePrerelease(v.pre, con.pre) != 0;
        }
        return false;
      }
    }
    return v.compareTo(con) != 0;
  }

  private boolean greater(SemVersion v) {
    if (!dirty) {
      return v.compareTo(con) > 0;
    }
    int major = Long.compareUnsigned(v.major, con.major);
    if (major != 0) {
      return major > 0;
    }
    if (minorDirty) {
      // >11 needs 12 or higher.
      return false;
    }
    if (patchDirty) {
      // >11.1 needs 11.2 or higher.
      return Long.compareUnsigned(v.minor, con.minor) > 0;
    }
    return v.compareTo(con) > 0;
  }

  private boolean lessOrEqual(SemVersion v) {
    if (!dirty) {
      return v.compareTo(con) <= 0;
    }
    int major = Long.compareUnsigned(v.major, con.major);
    if (major > 0) {
      return false;
    }
    return !(major == 0 && Long.compareUnsigned(v.minor, con.minor) > 0 && !minorDirty);
  }

  private boolean tilde(SemVersion v) {
    if (v.compareTo(con) < 0) {
      return false;
    }
    // ~0.0.0 accepts everything.
    if (con.major == 0 && con.minor == 0 && con.patch == 0 && !minorDirty && !patchDirty) {
      return true;
    }
    if (v.major != con.major) {
      return false;
    }
    return v.minor == con.minor || minorDirty;
  }

  private boolean caret(SemVersion v) {
    if (v.compareTo(con) < 0) {
      return false;
    }
    if (con.major != 0 || minorDirty) {
      return v.major == con.major;
    }
    if (v.major != 0) {
      return false;
    }
    if (con.minor != 0 || patchDirty) {
      return v.minor == con.minor;
    }
    if (v.minor != 0) {
      return false;
    }
    return v.patch == con.patch;
  }
}
