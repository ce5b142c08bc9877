package dev.upkeep.internal.http;

import java.net.URI;
import java.util.regex.Pattern;

/** URLs as they may appear in messages: no user or password, no token query parameters. */
final class Redact {
  private static final Pattern TOKEN_PARAM =
      Pattern.compile("(?i)([?&](?:access_token|private_token|token|refresh_token)=)[^&#]*");

  private Redact() {}

  static String url(URI uri) {
    String s = uri.toString();
    if (uri.getRawUserInfo() != null) {
      s = s.replace(uri.getRawUserInfo() + "@", "");
    }
    return TOKEN_PARAM.matcher(s).replaceAll("$1***");
  }
}
