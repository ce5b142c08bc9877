package dev.upkeep.internal.http;

import dev.upkeep.Redaction;
import java.net.URI;
import java.util.Optional;

/**
 * Follows up to {@link #MAX} redirects for calls that ask for it. Credentials go only to the host
 * the call was made for; plain HTTP is followed only from plain HTTP or to hosts allowed it.
 */
final class FollowRedirects implements Step {
  static final int MAX = 5;
  private static final System.Logger LOG = Redaction.logger(FollowRedirects.class.getName());

  private final HostRules hosts;

  FollowRedirects(HostRules hosts) {
    this.hosts = hosts;
  }

  @Override
  public HttpReply intercept(Chain chain) {
    HttpCall call = chain.call();
    HttpReply reply = chain.proceed(call);
    if (!call.followRedirects) {
      return reply;
    }
    String origin = HttpTransport.authority(call.uri);
    for (int redirects = 1; isRedirect(reply.status()); redirects++) {
      Optional<String> location = reply.header("Location");
      if (location.isEmpty()) {
        return reply;
      }
      reply.close();
      URI next;
      try {
        next = HttpTransport.resolve(reply.uri(), location.get().strip());
      } catch (IllegalArgumentException e) {
        throw new HttpFailure(
            HttpFailure.Kind.REDIRECT,
            origin + " redirected to an invalid location (" + e.getMessage() + ")",
            e);
      }
      if (redirects > MAX) {
        throw new HttpFailure(
            HttpFailure.Kind.REDIRECT,
            "more than " + MAX + " redirects from " + Redaction.redact(call.uri),
            null);
      }
      String scheme = String.valueOf(next.getScheme());
      boolean plainAllowed =
          scheme.equalsIgnoreCase("http")
              && next.getRawAuthority() != null
              && ("http".equalsIgnoreCase(call.uri.getScheme())
                  || hosts.allowsPlainHttp(HttpTransport.authority(next)));
      if (!scheme.equalsIgnoreCase("https") && !plainAllowed) {
        throw new HttpFailure(
            HttpFailure.Kind.REDIRECT,
            "refusing to follow "
                + origin
                + " to "
                + Redaction.redact(next)
                + " over plain HTTP; mark that host insecure if it is trusted",
            null);
      }
      boolean sameHost = origin.equalsIgnoreCase(HttpTransport.authority(next));
      if (!sameHost && call.bodySecret) {
        // the body cannot be dropped as a header can: the request means nothing without it
        throw new HttpFailure(
            HttpFailure.Kind.REDIRECT,
            origin
                + " redirected a request that carries credentials to "
                + HttpTransport.authority(next)
                + "; refusing to send them to another host",
            null);
      }
      LOG.log(System.Logger.Level.DEBUG, "{0} redirected to {1}", origin, next.getHost());
      reply = chain.proceed(call.to(next, sameHost));
    }
    return reply;
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }
}
