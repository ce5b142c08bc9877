package dev.upkeep.internal.http;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which hosts may be spoken to over plain HTTP (and unverified TLS): those the user marked
 * insecure, and loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}), as Docker
 * treats them. Immutable.
 */
public final class HostRules {
  /** 127.0.0.0/8, which every request checks: compiled once ({@code String.matches} would not). */
  private static final Pattern LOOPBACK_V4 =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private final Set<String> insecure;

  private HostRules(Set<String> insecure) {
    this.insecure = Set.copyOf(insecure);
  }

  /** Rules with {@code insecure} hosts ({@code name} or {@code name:port}, lowercase). */
  public static HostRules insecure(Set<String> insecure) {
    return new HostRules(insecure);
  }

  /** Whether plain HTTP may be used with {@code authority} ({@code name[:port]}). */
  public boolean allowsPlainHttp(String authority) {
    String h = authority.toLowerCase(Locale.ROOT);
    String name = hostName(h);
    return insecure.contains(h) || insecure.contains(name) || isLoopback(name);
  }

  /** Whether {@code name} (no port; IPv6 in brackets or not) is a loopback host. */
  static boolean isLoopback(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("localhost")
        || n.endsWith(".localhost")
        || n.equals("[::1]")
        || n.equals("::1")
        || (n.startsWith("127.") && LOOPBACK_V4.matcher(n).matches());
  }

  /** {@code authority} without its port; IPv6 literals keep their brackets. */
  static String hostName(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }
}
