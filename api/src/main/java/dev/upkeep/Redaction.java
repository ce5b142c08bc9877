package dev.upkeep;

import java.text.MessageFormat;
import java.util.Base64;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place secrets are taken out of text: every exception message Upkeep raises, every {@link
 * Finding}, report (JSON, Markdown, text), log line, commit message and pull request body passes
 * through {@link #redact(String)}.
 *
 * <p>Removed are the passwords of URLs and their users unless the user is an SSH login or a name
 * that is never a secret ({@code https://TOKEN@host} becomes {@code https://***@host}, {@code
 * https://x-access-token:TOKEN@host} becomes {@code https://x-access-token:***@host}), the values
 * of {@code access_token}, {@code private_token}, {@code token} and {@code password} query
 * parameters, the credentials of {@code Authorization: Basic|Bearer|token ...} values, and the
 * exact text of every secret registered with {@link #registerSecret} (and its Base64 form),
 * wherever it appears — in a remote's echoed message, say. Publishers, change request openers and
 * registry sources register the secrets they are given. Thread-safe.
 */
public final class Redaction {

  /** What a secret is replaced with. */
  public static final String MASK = "***";

  /** Shorter registered secrets are ignored: they would mask ordinary words. */
  static final int MIN_SECRET_LENGTH = 6;

  private static final Pattern URL_USER =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^\\s/?#@'\"<>:]*)(:[^\\s/?#@'\"<>]*)?@");

  /** User names that are never secrets: kept, so a URL still says who it logs in as. */
  private static final Set<String> PUBLIC_USERS =
      Set.of(
          "git",
          "x-access-token",
          "oauth2",
          "x-token-auth",
          "gitlab-ci-token",
          "x-oauth-basic",
          "token",
          "anonymous");

  private static final Pattern QUERY_TOKEN =
      Pattern.compile(
          "(?i)([?&;](?:access_token|private_token|refresh_token|token|password|passwd|secret)=)[^&\\s#'\"<>]+");
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "(?i)\\b(authorization\"?\\s*[:=]\\s*\"?)(?:(basic|bearer|token)\\s+)?[^\\s\",]+");
  private static final Pattern SCHEME_CREDENTIAL =
      Pattern.compile(
          "\\b(Basic|Bearer|basic|bearer)\\s+(?=[A-Za-z._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{8,}");

  // Longest first, so a secret that contains another is masked whole.
  private static final Set<String> SECRETS =
      new ConcurrentSkipListSet<>(
          Comparator.comparingInt(String::length)
              .reversed()
              .thenComparing(Comparator.naturalOrder()));

  private Redaction() {}

  /**
   * Masks {@code secret} wherever it appears in text that passes through here from now on, together
   * with its Base64 form. Blank and very short values (under six characters) are ignored.
   */
  public static void registerSecret(String secret) {
    if (secret == null || secret.strip().length() < MIN_SECRET_LENGTH) {
      return;
    }
    SECRETS.add(secret);
    SECRETS.add(
        Base64.getEncoder()
            .encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Masks {@code secret}; a char array is not kept. */
  public static void registerSecret(char[] secret) {
    if (secret != null) {
      registerSecret(new String(secret));
    }
  }

  /** {@code uri} as text with every secret masked, for messages. */
  public static String redact(java.net.URI uri) {
    return uri == null ? null : redact(uri.toString());
  }

  /** {@code text} with every secret masked; {@code null} stays {@code null}. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : SECRETS) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    // Each pattern runs only where the literal text it needs is present: a report of a hundred
    // kilobytes holds none of it, and four regular expressions over it cost a short command more
    // than the search for a few words does.
    String lower = out.toLowerCase(Locale.ROOT);
    if (mayHoldUrlUser(out)) {
      out = urlUsers(out);
    }
    if (lower.contains("token=")
        || lower.contains("password=")
        || lower.contains("passwd=")
        || lower.contains("secret=")) {
      out = QUERY_TOKEN.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
    if (lower.contains("authorization")) {
      out = authorization(out);
    }
    if (lower.contains("basic") || lower.contains("bearer")) {
      out = SCHEME_CREDENTIAL.matcher(out).replaceAll("$1 " + Matcher.quoteReplacement(MASK));
    }
    return out;
  }

  /**
   * Whether some {@code ://} in {@code text} is followed by an {@code @} before anything that ends
   * a URL's user information: only then can {@link #URL_USER} match. (A report's diffs hold many
   * {@code @@} hunk headers, which a plain search for {@code @} finds.)
   */
  private static boolean mayHoldUrlUser(String text) {
    for (int i = text.indexOf("://"); i >= 0; i = text.indexOf("://", i + 3)) {
      for (int j = i + 3; j < text.length(); j++) {
        char c = text.charAt(j);
        if (c == '@') {
          return true;
        }
        // exactly what ends the pattern's user information: \s (ASCII only) and / ? # ' " < >
        if (" \t\n\u000B\f\r/?#'\"<>".indexOf(c) >= 0) {
          break;
        }
      }
    }
    return false;
  }

  /**
   * Masks the password of every URL and the user too, unless it is an SSH login or a user name that
   * is never a secret: {@code https://TOKEN@host} and {@code https://TOKEN:x-oauth-basic@host} put
   * the token in the user.
   */
  private static String urlUsers(String text) {
    Matcher m = URL_USER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      String user = m.group(2);
      boolean keep =
          scheme.startsWith("ssh") || scheme.startsWith("git+ssh") || PUBLIC_USERS.contains(user);
      String replacement =
          m.group(1) + (keep ? user : MASK) + (m.group(3) == null ? "" : ":" + MASK) + "@";
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String authorization(String text) {
    Matcher m = AUTHORIZATION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group(1) + (m.group(2) == null ? "" : m.group(2) + " ") + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * {@code error} itself when no message in its chain of causes and suppressed exceptions holds a
   * secret; otherwise a copy of the chain whose messages are redacted, each link named after the
   * class it stands for and keeping its stack trace.
   */
  public static Throwable redact(Throwable error) {
    if (error == null || clean(error, 0)) {
      return error;
    }
    return copy(error, 0);
  }

  private static boolean clean(Throwable t, int depth) {
    if (t == null || depth > 20) {
      return true;
    }
    String message = t.getMessage();
    if (message != null && !message.equals(redact(message))) {
      return false;
    }
    for (Throwable s : t.getSuppressed()) {
      if (!clean(s, depth + 1)) {
        return false;
      }
    }
    return t.getCause() == t || clean(t.getCause(), depth + 1);
  }

  private static Throwable copy(Throwable t, int depth) {
    if (t instanceof Redacted || depth > 20) {
      return t;
    }
    Throwable cause =
        t.getCause() == null || t.getCause() == t ? null : copy(t.getCause(), depth + 1);
    Redacted r = new Redacted(t.getClass().getName() + ": " + redact(t.getMessage()), cause);
    r.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      r.addSuppressed(copy(s, depth + 1));
    }
    return r;
  }

  /** A link of an exception chain whose message held a secret, with the secret masked. */
  static final class Redacted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Redacted(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * A logger named {@code name} whose every message, parameter and exception passes through {@link
   * #redact(String)} before reaching the JDK's logging backend. Upkeep logs only through these.
   */
  public static System.Logger logger(String name) {
    return LOGGERS.computeIfAbsent(name, RedactingLogger::new);
  }

  private static final ConcurrentHashMap<String, System.Logger> LOGGERS = new ConcurrentHashMap<>();

  private static volatile System.Logger.Level skippedBelow = System.Logger.Level.ALL;

  /**
   * Makes Upkeep's loggers answer that any level below {@code level} is not loggable without asking
   * the logging back end, so that a program whose back end would drop those records anyway never
   * starts it for them (starting {@code java.util.logging} costs a command line tens of
   * milliseconds). For command lines; a host application configures its back end instead. {@link
   * System.Logger.Level#ALL}, the default, asks the back end about every level.
   */
  public static void skipLoggingBelow(System.Logger.Level level) {
    skippedBelow = Objects.requireNonNull(level, "level");
  }

  /**
   * Redacts on the way to the back end's logger of the same name, which it asks for only when a
   * record passes {@link #skipLoggingBelow}: the JDK starts {@code java.util.logging} to hand it
   * out.
   */
  private static final class RedactingLogger implements System.Logger {
    private final String name;
    private volatile System.Logger delegate;

    RedactingLogger(String name) {
      this.name = Objects.requireNonNull(name);
    }

    private System.Logger delegate() {
      System.Logger d = delegate;
      if (d == null) {
        d = System.getLogger(name);
        delegate = d;
      }
      return d;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= skippedBelow.getSeverity() && delegate().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        delegate().log(level, bundle, redact(msg), redact(thrown));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (!isLoggable(level)) {
        return;
      }
      String text =
          params == null || params.length == 0 ? format : MessageFormat.format(format, params);
      delegate().log(level, bundle, redact(text), (Object[]) null);
    }

    @Override
    public void log(Level level, Supplier<String> supplier) {
      if (isLoggable(level)) {
        delegate().log(level, (ResourceBundle) null, redact(supplier.get()), (Object[]) null);
      }
    }
  }
}
