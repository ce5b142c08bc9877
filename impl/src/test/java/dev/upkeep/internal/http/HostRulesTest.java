package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HostRulesTest {
  @Test
  void allowsPlainHttpForLoopbackAndMarkedHostsOnly() {
    HostRules rules = HostRules.insecure(Set.of("registry.lan:5000", "10.0.0.7"));

    assertThat(rules.allowsPlainHttp("localhost")).isTrue();
    assertThat(rules.allowsPlainHttp("127.8.9.10:80")).isTrue();
    assertThat(rules.allowsPlainHttp("[::1]:5000")).isTrue();
    assertThat(rules.allowsPlainHttp("registry.lan:5000")).isTrue();
    assertThat(rules.allowsPlainHttp("10.0.0.7:443")).isTrue();
    assertThat(rules.allowsPlainHttp("registry.lan")).isFalse();
    assertThat(rules.allowsPlainHttp("128.0.0.1")).isFalse();
    assertThat(rules.allowsPlainHttp("localhost.evil.com")).isFalse();
  }
}
