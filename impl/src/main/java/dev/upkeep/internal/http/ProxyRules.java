package dev.upkeep.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The proxy for each URL, from the JVM's {@code https.proxyHost}/{@code https.proxyPort}, {@code
 * http.proxyHost}/{@code http.proxyPort} and {@code http.nonProxyHosts} when set, else from the
 * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} environment variables (either case,
 * lowercase first as curl reads them). {@code NO_PROXY} holds host names that also match their
 * subdomains ({@code example.com}, {@code .example.com}), {@code host:port} entries and {@code *}.
 * Loopback hosts are never proxied. Proxy credentials in the variable's URL answer the proxy's
 * {@code 407} and are never logged. Immutable and thread-safe.
 */
final class ProxyRules extends ProxySelector {
  private final Optional<Endpoint> https;
  private final Optional<Endpoint> http;
  private final List<String> noProxy;
  private final List<Pattern> nonProxyHosts;

  /** A proxy and the credentials its URL carried. */
  record Endpoint(InetSocketAddress address, String user, String password) {
    @Override
    public String toString() {
      return address.getHostString() + ":" + address.getPort(); // never the credentials
    }
  }

  private ProxyRules(
      Optional<Endpoint> https,
      Optional<Endpoint> http,
      List<String> noProxy,
      List<Pattern> nonProxyHosts) {
    this.https = https;
    this.http = http;
    this.noProxy = noProxy;
    this.nonProxyHosts = nonProxyHosts;
  }

  /** The rules of this process: its system properties and environment. */
  static ProxyRules fromSystem() {
    return from(System.getProperties(), System.getenv());
  }

  static ProxyRules from(Properties props, Map<String, String> env) {
    Optional<Endpoint> jvmHttps = property(props, "https");
    Optional<Endpoint> jvmHttp = property(props, "http");
    if (jvmHttps.isPresent() || jvmHttp.isPresent()) {
      List<Pattern> patterns = new ArrayList<>();
      for (String p : props.getProperty("http.nonProxyHosts", "").split("\\|")) {
        if (!p.isBlank()) {
          patterns.add(
              Pattern.compile(
                  Pattern.quote(p.strip().toLowerCase(Locale.ROOT)).replace("*", "\\E.*\\Q")));
        }
      }
      return new ProxyRules(jvmHttps, jvmHttp, List.of(), patterns);
    }
    List<String> noProxy = new ArrayList<>();
    for (String entry : variable(env, "no_proxy").orElse("").split(",")) {
      if (!entry.isBlank()) {
        noProxy.add(entry.strip().toLowerCase(Locale.ROOT));
      }
    }
    return new ProxyRules(
        variable(env, "https_proxy").map(ProxyRules::endpoint),
        variable(env, "http_proxy").map(ProxyRules::endpoint),
        noProxy,
        List.of());
  }

  private static Optional<String> variable(Map<String, String> env, String lower) {
    String v = env.get(lower);
    if (v == null || v.isBlank()) {
      v = env.get(lower.toUpperCase(Locale.ROOT));
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static Optional<Endpoint> property(Properties props, String scheme) {
    String host = props.getProperty(scheme + ".proxyHost");
    if (host == null || host.isBlank()) {
      return Optional.empty();
    }
    int port = Integer.parseInt(props.getProperty(scheme + ".proxyPort", "80").strip());
    return Optional.of(
        new Endpoint(InetSocketAddress.createUnresolved(host.strip(), port), null, null));
  }

  private static Endpoint endpoint(String value) {
    URI uri;
    try {
      uri = URI.create(value.contains("://") ? value : "http://" + value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the proxy variable is not a URL (value not shown)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the proxy variable names no host (value not shown)");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
      dev.upkeep.Redaction.registerSecret(password);
    }
    return new Endpoint(InetSocketAddress.createUnresolved(uri.getHost(), port), user, password);
  }

  /** The proxy for {@code uri}, or empty for a direct connection. */
  Optional<Endpoint> proxyFor(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (HostRules.isLoopback(host)) {
      return Optional.empty();
    }
    Optional<Endpoint> proxy = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
    if (proxy.isEmpty() || bypasses(host, uri.getPort())) {
      return Optional.empty();
    }
    return proxy;
  }

  private boolean bypasses(String host, int port) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    for (Pattern p : nonProxyHosts) {
      if (p.matcher(bare).matches()) {
        return true;
      }
    }
    for (String entry : noProxy) {
      if (entry.equals("*")) {
        return true;
      }
      String name = entry;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
        if (port != Integer.parseInt(entry.substring(colon + 1))) {
          continue;
        }
        name = entry.substring(0, colon);
      }
      name = name.startsWith("*.") ? name.substring(1) : name;
      String domain = name.startsWith(".") ? name.substring(1) : name;
      if (bare.equals(domain) || bare.endsWith("." + domain)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a proxy URL carried credentials. */
  boolean hasCredentials() {
    return https.map(e -> e.user() != null).orElse(false)
        || http.map(e -> e.user() != null).orElse(false);
  }

  /** The credentials for a proxy that asks for them ({@code 407}). */
  Optional<PasswordAuthentication> credentialsFor(String proxyHost, int proxyPort) {
    for (Optional<Endpoint> e : List.of(https, http)) {
      if (e.isPresent()
          && e.get().user() != null
          && e.get().address().getHostString().equalsIgnoreCase(proxyHost)
          && e.get().address().getPort() == proxyPort) {
        return Optional.of(
            new PasswordAuthentication(e.get().user(), e.get().password().toCharArray()));
      }
    }
    return Optional.empty();
  }

  @Override
  public List<Proxy> select(URI uri) {
    return proxyFor(uri)
        .map(
            e ->
                List.of(
                    new Proxy(
                        Proxy.Type.HTTP,
                        new InetSocketAddress(e.address().getHostString(), e.address().getPort()))))
        .orElse(List.of(Proxy.NO_PROXY));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
    // nothing to remember: the call fails with a message naming the host
  }

  @Override
  public String toString() {
    return "proxies[https="
        + https.map(Endpoint::toString).orElse("none")
        + ", http="
        + http.map(Endpoint::toString).orElse("none")
        + ", no_proxy="
        + noProxy
        + "]";
  }
}
