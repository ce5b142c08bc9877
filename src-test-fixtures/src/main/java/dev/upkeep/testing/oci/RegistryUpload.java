package dev.upkeep.testing.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pushes {@link OciArtifact}s to a real registry over the distribution-spec push API (blob uploads,
 * then the manifest), as {@code helm push} or {@code docker push} would: the way to seed a {@code
 * registry:2} or Debian {@code docker-registry} started by a test.
 *
 * <pre>{@code
 * PushTarget registry = RegistryUpload.to("127.0.0.1:5000").basicAuth("ci", "s3cret");
 * registry.push("charts/podinfo", chart.tag(), chart.toArtifact());
 * }</pre>
 *
 * <p>Plain HTTP, for registries on the test's own machine. Blobs the registry already has are not
 * uploaded again. Immutable and thread-safe.
 */
public final class RegistryUpload implements PushTarget {
  private final String host;
  private final String authorization;
  private final HttpClient http;
  private final Set<String> uploaded = ConcurrentHashMap.newKeySet();

  private RegistryUpload(String host, String authorization, HttpClient http) {
    this.host = host;
    this.authorization = authorization;
    this.http = http;
  }

  /** Pushes to {@code http://HOST} ({@code host} as in references: {@code 127.0.0.1:5000}). */
  public static RegistryUpload to(String host) {
    Objects.requireNonNull(host, "host");
    if (host.contains("/")) {
      throw new IllegalArgumentException("host must be host:port, got \"" + host + "\"");
    }
    return new RegistryUpload(
        host, null, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  /** A copy that authenticates with HTTP Basic as {@code user}/{@code password}. */
  public RegistryUpload basicAuth(String user, String password) {
    String token =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new RegistryUpload(host, "Basic " + token, http);
  }

  @Override
  public String host() {
    return host;
  }

  /**
   * Uploads the blobs of {@code artifact} (and of the manifests an index lists) and puts its
   * manifest under {@code tag}.
   *
   * @return the manifest digest the registry answered with
   * @throws IllegalStateException when the registry refuses a step, with its answer
   */
  @Override
  public String push(String repository, String tag, OciArtifact artifact) {
    for (OciArtifact child : artifact.children()) {
      uploadBlobs(repository, child);
      putManifest(repository, child.digest(), child.manifest());
    }
    uploadBlobs(repository, artifact);
    return putManifest(repository, tag, artifact.manifest());
  }

  private void uploadBlobs(String repository, OciArtifact artifact) {
    for (Blob blob : artifact.blobs()) {
      String blobPath = "/v2/" + repository + "/blobs/" + blob.digest();
      if (uploaded.contains(blobPath)) {
        continue;
      }
      if (send(request(blobPath).method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode()
          == 200) {
        uploaded.add(blobPath);
        continue;
      }
      HttpResponse<String> start =
          send(
              request("/v2/" + repository + "/blobs/uploads/")
                  .POST(HttpRequest.BodyPublishers.noBody()));
      check(start, 202, "start a blob upload to " + repository);
      String location =
          start
              .headers()
              .firstValue("Location")
              .orElseThrow(() -> failure(start, "upload location"));
      URI upload = URI.create("http://" + host).resolve(location);
      String sep = upload.getRawQuery() == null ? "?" : "&";
      URI put = URI.create(upload + sep + "digest=" + blob.digest().replace(":", "%3A"));
      HttpRequest.Builder b =
          HttpRequest.newBuilder(put)
              .header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(blob.content()));
      check(send(auth(b)), 201, "upload blob " + blob.digest() + " to " + repository);
      uploaded.add(blobPath);
    }
  }

  private String putManifest(String repository, String reference, Blob manifest) {
    HttpResponse<String> r =
        send(
            request("/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", manifest.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.content())));
    check(r, 201, "put manifest " + reference + " of " + repository);
    return r.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
  }

  private HttpRequest.Builder request(String path) {
    return auth(HttpRequest.newBuilder(URI.create("http://" + host + path)));
  }

  private HttpRequest.Builder auth(HttpRequest.Builder b) {
    return authorization == null ? b : b.header("Authorization", authorization);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(
          b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the registry at " + host, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pushing to " + host, e);
    }
  }

  private static void check(HttpResponse<String> r, int expected, String what) {
    if (r.statusCode() != expected) {
      throw failure(r, what);
    }
  }

  private static IllegalStateException failure(HttpResponse<String> r, String what) {
    String body = Optional.ofNullable(r.body()).orElse("").replaceAll("\\s+", " ");
    return new IllegalStateException(
        "cannot "
            + what
            + ": HTTP "
            + r.statusCode()
            + " "
            + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
  }

  @Override
  public String toString() {
    return "RegistryUpload[" + host + "]";
  }
}
