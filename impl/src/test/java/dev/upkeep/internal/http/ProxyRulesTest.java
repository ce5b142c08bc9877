package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProxyRulesTest {
  private static Optional<String> proxy(ProxyRules rules, String url) {
    return rules.proxyFor(URI.create(url)).map(ProxyRules.Endpoint::toString);
  }

  @Test
  void choosesTheProxyByScheme() {
    ProxyRules rules =
        ProxyRules.from(
            new Properties(),
            Map.of("HTTPS_PROXY", "http://tls-proxy:3128", "http_proxy", "plain-proxy:8080"));

    assertThat(proxy(rules, "https://ghcr.io/v2/")).contains("tls-proxy:3128");
    assertThat(proxy(rules, "http://charts.lan/index.yaml")).contains("plain-proxy:8080");
  }

  @Test
  void prefersTheLowercaseVariableAsCurlDoes() {
    ProxyRules rules =
        ProxyRules.from(
            new Properties(),
            Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY", "http://upper:2"));

    assertThat(proxy(rules, "https://ghcr.io/")).contains("lower:1");
  }

  @Test
  void bypassesNoProxyHostsSuffixesPortsAndStar() {
    ProxyRules rules =
        ProxyRules.from(
            new Properties(),
            Map.of(
                "HTTPS_PROXY",
                "http://proxy:3128",
                "no_proxy",
                "corp.example, .svc.local,registry.lan:5000"));

    assertThat(proxy(rules, "https://corp.example/")).isEmpty();
    assertThat(proxy(rules, "https://git.corp.example/")).isEmpty();
    assertThat(proxy(rules, "https://a.svc.local/")).isEmpty();
    assertThat(proxy(rules, "https://registry.lan:5000/")).isEmpty();
    assertThat(proxy(rules, "https://registry.lan:5001/")).contains("proxy:3128");
    assertThat(proxy(rules, "https://notcorp.example/")).contains("proxy:3128");
    assertThat(proxy(rules, "https://ghcr.io/")).contains("proxy:3128");
    ProxyRules star =
        ProxyRules.from(new Properties(), Map.of("HTTPS_PROXY", "proxy:1", "NO_PROXY", "*"));
    assertThat(proxy(star, "https://ghcr.io/")).isEmpty();
  }

  @Test
  void neverProxiesLoopback() {
    ProxyRules rules = ProxyRules.from(new Properties(), Map.of("HTTP_PROXY", "http://proxy:3128"));

    assertThat(proxy(rules, "http://127.0.0.1:5000/v2/")).isEmpty();
    assertThat(proxy(rules, "http://localhost:5000/v2/")).isEmpty();
    assertThat(proxy(rules, "http://[::1]:5000/v2/")).isEmpty();
  }

  @Test
  void followsTheJvmsProxyPropertiesBeforeTheEnvironment() {
    Properties props = new Properties();
    props.setProperty("https.proxyHost", "jvm-proxy");
    props.setProperty("https.proxyPort", "8443");
    props.setProperty("http.nonProxyHosts", "*.corp.example|ghcr.io");
    ProxyRules rules = ProxyRules.from(props, Map.of("HTTPS_PROXY", "http://env-proxy:1"));

    assertThat(proxy(rules, "https://quay.io/")).contains("jvm-proxy:8443");
    assertThat(proxy(rules, "https://git.corp.example/")).isEmpty();
    assertThat(proxy(rules, "https://ghcr.io/")).isEmpty();
  }

  @Test
  void keepsProxyCredentialsOutOfItsDescription() {
    ProxyRules rules =
        ProxyRules.from(new Properties(), Map.of("HTTPS_PROXY", "http://me:s3cret@proxy:3128"));

    assertThat(rules.toString())
        .contains("proxy:3128")
        .doesNotContain("s3cret")
        .doesNotContain("me:");
    assertThat(rules.credentialsFor("proxy", 3128)).isPresent();
  }
}
