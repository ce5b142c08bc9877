package dev.upkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(UpkeepExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpkeepExtensionTest {

  static String registryUrl;
  static Path remoteDirectory;

  @Test
  @Order(1)
  void injectsARunningRegistryAndASeededRemote(FakeOciRegistry registry, GitRemoteFixture fleet)
      throws Exception {
    registry.pushChart("charts/podinfo", "1.2.3");
    fleet.seed(Map.of("a.yaml", "a: 1\n"));
    assertThat(get(registry.url() + "/v2/charts/podinfo/tags/list")).contains("1.2.3");
    assertThat(fleet.readFile("main", "a.yaml")).hasValue("a: 1\n");
    registryUrl = registry.url();
    remoteDirectory = fleet.directory();
  }

  @Test
  @Order(2)
  void closesBothWhenTheTestEnds() {
    assertThat(registryUrl).isNotNull();
    assertThatThrownBy(() -> get(registryUrl + "/v2/")).isInstanceOf(IOException.class);
    assertThat(Files.exists(remoteDirectory)).isFalse();
  }

  static String get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
