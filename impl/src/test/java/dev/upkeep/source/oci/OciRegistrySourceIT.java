package dev.upkeep.source.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.RegistryException;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.RegistrySourceContract;
import dev.upkeep.testing.oci.Blob;
import dev.upkeep.testing.oci.DistributionRegistry;
import dev.upkeep.testing.oci.Fault;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.OciArtifact;
import dev.upkeep.testing.oci.RegistryUpload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@link OciRegistrySource} against Debian's real {@code docker-registry} (distribution 2.8). */
class OciRegistrySourceIT {
  private static DistributionRegistry open;
  private static DistributionRegistry locked;

  @BeforeAll
  static void start() {
    open = DistributionRegistry.start();
    locked = DistributionRegistry.start("ci", "s3cret");
  }

  @AfterAll
  static void stop() {
    if (open != null) {
      open.close();
    }
    if (locked != null) {
      locked.close();
    }
  }

  private static OciRegistrySource.Builder builder() {
    return OciRegistrySource.builder().ignoreDockerConfig();
  }

  @Nested
  class Anonymous {
    @TestFactory
    Stream<DynamicTest> holdsTheContract() {
      // distribution ignores n: one page whatever the count; 550 tags run behind the proxy below
      return RegistrySourceContract.of(RegistryUpload.to(open.host()), builder().build())
          .manyTags(150)
          .tests();
    }

    @Test
    void listsWhatSkopeoListsAndResolvesTheDigestSkopeoSees() throws Exception {
      RegistryUpload upload = RegistryUpload.to(open.host());
      List<String> versions = List.of("6.5.4", "6.6.0", "10.0.0+meta");
      String digest = null;
      for (String version : versions) {
        HelmChart chart = HelmChart.of("podinfo", version);
        digest = upload.push("skopeo/podinfo", chart.tag(), chart.toArtifact());
      }
      ArtifactRef ref = ArtifactRef.parse("oci://" + open.host() + "/skopeo/podinfo");
      OciRegistrySource source = builder().build();

      String listed =
          run("skopeo", "list-tags", "--tls-verify=false", "docker://" + ref.imageName());
      byte[] raw =
          runBytes(
              "skopeo",
              "inspect",
              "--raw",
              "--tls-verify=false",
              "docker://" + ref.imageName() + ":10.0.0_meta");

      List<String> tags = source.listTags(ref);
      assertThat(tags).containsExactlyInAnyOrder("6.5.4", "6.6.0", "10.0.0_meta");
      for (String tag : tags) {
        assertThat(listed).contains("\"" + tag + "\"");
      }
      assertThat(source.digest(ref, "10.0.0+meta")).contains(Blob.sha256(raw)).contains(digest);
    }
  }

  @Nested
  class BasicAuth {
    @TestFactory
    Stream<DynamicTest> holdsTheContract() {
      return RegistrySourceContract.of(
              RegistryUpload.to(locked.host()).basicAuth("ci", "s3cret"),
              builder().credentials(locked.host(), "ci", "s3cret").build())
          .manyTags(150)
          .tests();
    }

    @Test
    void reportsAWrongPasswordInOneLineWithoutIt() {
      RegistryUpload.to(locked.host())
          .basicAuth("ci", "s3cret")
          .push("org/app", "1.0.0", OciArtifact.image("app", "1.0.0"));
      OciRegistrySource source = builder().credentials(locked.host(), "ci", "hunter2").build();

      assertThatThrownBy(() -> source.listTags(ArtifactRef.parse(locked.host() + "/org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "cannot list tags of "
                  + locked.host()
                  + "/org/app: "
                  + locked.host()
                  + " refused the credentials from the source's credentials (HTTP 401); check the"
                  + " username and password or token, and that they may pull org/app");
    }

    @Test
    void saysWhatToDoWithoutCredentials() {
      assertThatThrownBy(
              () -> builder().build().listTags(ArtifactRef.parse(locked.host() + "/org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("requires authentication and no credentials are configured")
          .hasMessageContaining("docker login " + locked.host());
    }
  }

  /** The real registry behind {@link FakeOciRegistry#proxyTo}: its pagination, auth and faults. */
  @Nested
  class BehindAProxy {
    private FakeOciRegistry proxy;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
      proxy = FakeOciRegistry.start().pageSize(100).proxyTo(RegistryUpload.to(open.host()));
    }

    @AfterEach
    void stop() {
      proxy.close();
    }

    @TestFactory
    Stream<DynamicTest> holdsTheContractPagedAt100() {
      return RegistrySourceContract.of(proxy, builder().build()).tests();
    }

    @TestFactory
    Stream<DynamicTest> holdsTheContractWithTokenAuth() {
      proxy.requireTokenAuth("ci", "s3cret");
      return RegistrySourceContract.of(
              proxy, builder().credentials(proxy.host(), "ci", "s3cret").build())
          .manyTags(250)
          .tests();
    }

    @Test
    void pagesTheRealTagListAt100PerPage() throws Exception {
      OciArtifact image = OciArtifact.image("app", "x");
      proxy.push("paged/app", "seed", image);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> pushes = new ArrayList<>();
        for (int i = 1; i < 201; i++) {
          String tag = "2." + i + ".0";
          pushes.add(pool.submit(() -> proxy.push("paged/app", tag, image)));
        }
        for (Future<String> push : pushes) {
          push.get();
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(builder().build().listTags(proxy.imageRef("paged/app"))).hasSize(201);
      assertThat(proxy.requests()).filteredOn(r -> r.path().endsWith("/tags/list")).hasSize(3);
    }

    @Test
    void retriesA429ThenSucceeds() {
      proxy.push("limited/app", "1.0.0", OciArtifact.image("app", "1.0.0"));
      proxy.inject(Fault.rateLimited(Duration.ofSeconds(1)).matching("/tags/list"));

      assertThat(builder().sleeper(sleeps::add).build().listTags(proxy.imageRef("limited/app")))
          .containsExactly("1.0.0");
      assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void neverSendsCredentialsToTheHostContentIsRedirectedTo() {
      try (FakeOciRegistry storage =
          FakeOciRegistry.start().proxyTo(RegistryUpload.to(open.host()))) {
        HelmChart chart = HelmChart.of("podinfo", "6.5.4");
        String digest = proxy.push("redirected/podinfo", chart.tag(), chart.toArtifact());
        proxy.requireTokenAuth("ci", "s3cret").redirectContentTo(storage);
        ArtifactRef ref = proxy.chartRef("redirected/podinfo");

        Optional<String> resolved =
            builder().credentials(proxy.host(), "ci", "s3cret").build().digest(ref, "6.5.4");

        assertThat(resolved).contains(digest);
        assertThat(storage.requests())
            .isNotEmpty()
            .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
      }
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    return new String(runBytes(command), StandardCharsets.UTF_8);
  }

  private static byte[] runBytes(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(new ArrayList<>(Arrays.asList(command)))
            .redirectErrorStream(false)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s failed: %s", String.join(" ", command), err).isZero();
    return out;
  }
}
