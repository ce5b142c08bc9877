package dev.upkeep.internal.http;

import dev.upkeep.Redaction;

/**
 * Refuses to send a credential over plain HTTP unless the host is loopback or marked insecure: a
 * token sent in the clear is a token given away.
 */
final class PlainHttpGuard implements Step {
  private final HostRules hosts;

  PlainHttpGuard(HostRules hosts) {
    this.hosts = hosts;
  }

  @Override
  public HttpReply intercept(Chain chain) {
    HttpCall call = chain.call();
    String authority = HttpTransport.authority(call.uri);
    if (call.carriesCredential()
        && "http".equalsIgnoreCase(call.uri.getScheme())
        && !hosts.allowsPlainHttp(authority)) {
      throw new HttpFailure(
          HttpFailure.Kind.PLAIN_HTTP,
          "refusing to send credentials to "
              + authority
              + " over plain HTTP ("
              + Redaction.redact(call.uri)
              + "); use https, or mark the host insecure if it is trusted",
          null);
    }
    return chain.proceed(call);
  }
}
