package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.UpkeepExtension;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code upkeep adopt} on a repository without markers, then {@code plan} on the result. */
@ExtendWith(UpkeepExtension.class)
class AdoptIT {

  /** A marker comment appended by adopt, with the one space before it. */
  private static final Pattern MARKER =
      Pattern.compile(" # \\{\"\\$(imagepolicy\": \"[^\"]+\"|upkeep\": \\{[^}]+\\})\\}");

  static Map<String, String> unmarked(String host, String helmIndex) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "legacy/redis.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
            + "metadata: {name: classic, namespace: legacy}\nspec: {url: '"
            + helmIndex
            + "'}\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
            + "metadata: {name: redis, namespace: legacy}\nspec:\n  chart:\n    spec:\n"
            + "      chart: redis\n      sourceRef: {kind: HelmRepository, name: classic}\n"
            + "      version: 18.1.2\n");
    files.put(
        "infra/charts.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n"
            + "  name: charts\n  namespace: flux-system\nspec:\n  type: oci\n"
            + "  url: oci://"
            + host
            + "/charts\n");
    files.put(
        "apps/podinfo.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n"
            + "  name: podinfo\n  namespace: flux-system\nspec:\n  chart:\n    spec:\n"
            + "      chart: podinfo\n      version: 6.5.0\n      sourceRef:\n"
            + "        kind: HelmRepository\n        name: charts\n"
            + "  values:\n    image:\n      registry: "
            + host
            + "\n      repository: org/api\n      tag: \"1.0.0\"\n");
    files.put(
        "apps/web.yaml",
        "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: web\r\nspec:\r\n"
            + "  template:\r\n    spec:\r\n      containers:\r\n        - name: web\r\n"
            + "          image: "
            + host
            + "/org/web:1.2.3\r\n");
    files.put(
        "apps/manifests.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n"
            + "  name: manifests\n  namespace: flux-system\nspec:\n  url: oci://"
            + host
            + "/org/manifests\n  ref:\n    tag: v1.4.0 \n");
    files.put(
        "overlays/kustomization.yaml",
        "images:\n  - name: web\n    newName: " + host + "/org/web\n    newTag: 1.2.3\n");
    return files;
  }

  @Test
  void adoptMarksAnUnmarkedRepositoryAndThePlanFindsEveryUpdate(
      FakeOciRegistry registry, @TempDir Path repo) throws Exception {
    for (String v : new String[] {"6.5.0", "6.5.4", "7.0.0"}) {
      registry.pushChart("charts/podinfo", v);
    }
    for (String v : new String[] {"1.0.0", "1.1.0", "2.0.0"}) {
      registry.pushImage("org/api", v);
    }
    for (String v : new String[] {"1.2.3", "1.3.0", "2.0.0"}) {
      registry.pushImage("org/web", v);
    }
    for (String v : new String[] {"v1.4.0", "v1.5.1"}) {
      registry.pushImage("org/manifests", v);
    }
    HttpServer classic = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] index =
        ("apiVersion: v1\nentries:\n  redis:\n  - {name: redis, version: 19.0.0}\n"
                + "  - {name: redis, version: 18.2.0}\n  - {name: redis, version: 18.1.2}\n")
            .getBytes(StandardCharsets.UTF_8);
    classic.createContext(
        "/charts/index.yaml",
        exchange -> {
          exchange.sendResponseHeaders(200, index.length);
          exchange.getResponseBody().write(index);
          exchange.close();
        });
    classic.start();
    try {
      adoptThenPlan(
          registry, repo, "http://127.0.0.1:" + classic.getAddress().getPort() + "/charts");
    } finally {
      classic.stop(0);
    }
  }

  private static void adoptThenPlan(FakeOciRegistry registry, Path repo, String helmIndex)
      throws Exception {
    Map<String, String> before = unmarked(registry.host(), helmIndex);
    for (Map.Entry<String, String> e : before.entrySet()) {
      Files.createDirectories(repo.resolve(e.getKey()).getParent());
      Files.writeString(repo.resolve(e.getKey()), e.getValue());
    }

    StringWriter discover = new StringWriter();
    assertThat(InlineMarkersIT.upkeep(discover, "plan", "--discover", "--repo", repo.toString()))
        .as(discover.toString())
        .isZero();
    assertThat(discover.toString()).contains("6 value(s) would mark");
    assertThat(repo.resolve("upkeep-policies.yaml")).doesNotExist();
    StringWriter json = new StringWriter();
    assertThat(
            InlineMarkersIT.upkeep(
                json, "plan", "--discover", "--repo", repo.toString(), "--format", "json"))
        .as(json.toString())
        .isZero();
    // --format json is JSON here too (it printed the text)
    assertThat(
            (java.util.List<?>)
                ((Map<?, ?>) dev.upkeep.json.Json.parse(json.toString())).get("marked"))
        .hasSize(6);

    StringWriter adopt = new StringWriter();
    assertThat(InlineMarkersIT.upkeep(adopt, "adopt", "--repo", repo.toString()))
        .as(adopt.toString())
        .isZero();
    assertThat(adopt.toString()).contains("6 value(s) marked", "written to upkeep-policies.yaml");
    long markers = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      String after = Files.readString(repo.resolve(e.getKey()));
      markers += MARKER.matcher(after).results().count();
      assertThat(MARKER.matcher(after).replaceAll("")).as(e.getKey()).isEqualTo(e.getValue());
    }

    assertThat(markers).isEqualTo(6);

    StringWriter plan = new StringWriter();
    int planned =
        InlineMarkersIT.upkeep(
            plan,
            "plan",
            "--repo",
            repo.toString(),
            "--insecure-registry",
            registry.host(),
            "--exit-code");
    assertThat(planned).as(plan.toString()).isEqualTo(3);
    assertThat(plan.toString())
        .contains(
            "apps/podinfo.yaml:10: 6.5.0 -> 6.5.4",
            "apps/podinfo.yaml:18: 1.0.0 -> 1.1.0",
            "apps/web.yaml:10: "
                + registry.host()
                + "/org/web:1.2.3 -> "
                + registry.host()
                + "/org/web:1.3.0",
            "apps/manifests.yaml:9: v1.4.0 -> v1.5.1",
            "overlays/kustomization.yaml:4: 1.2.3 -> 1.3.0",
            "legacy/redis.yaml:14: 18.1.2 -> 18.2.0");
  }
}
