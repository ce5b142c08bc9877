package dev.upkeep.testing.oci;

import dev.upkeep.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something a registry stores under a tag: a manifest plus the blobs it refers to (and, for an
 * index, the manifests it lists). Build one with {@link #image}, {@link #dockerImage}, {@link
 * #index} or {@link HelmChart#toArtifact()}; push it with {@link
 * dev.upkeep.testing.FakeOciRegistry#push} or {@link RegistryUpload#push}.
 *
 * <p>Immutable. Equal inputs give byte-identical manifests, hence equal digests, on every run and
 * machine.
 */
public final class OciArtifact {
  /** OCI image manifest media type. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index media type. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** Docker image manifest v2 schema 2 media type. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list media type. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  private static final String CREATED = "2026-01-01T00:00:00Z";

  private final Blob manifest;
  private final List<Blob> blobs;
  private final List<OciArtifact> children;

  private OciArtifact(Blob manifest, List<Blob> blobs, List<OciArtifact> children) {
    this.manifest = manifest;
    this.blobs = List.copyOf(blobs);
    this.children = List.copyOf(children);
  }

  /**
   * A manifest whose body has no {@code mediaType} field, as {@code helm push} writes it; {@code
   * annotations} are written in the order given.
   */
  static OciArtifact ociManifest(
      Blob config, List<Blob> layers, Map<String, String> annotations, boolean writeMediaType) {
    StringBuilder b = new StringBuilder("{\"schemaVersion\":2,");
    if (writeMediaType) {
      b.append("\"mediaType\":").append(Json.quote(OCI_MANIFEST)).append(',');
    }
    b.append("\"config\":").append(config.descriptor()).append(",\"layers\":[");
    for (int i = 0; i < layers.size(); i++) {
      b.append(i == 0 ? "" : ",").append(layers.get(i).descriptor());
    }
    b.append(']');
    if (!annotations.isEmpty()) {
      b.append(",\"annotations\":").append(Json.compact(annotations));
    }
    b.append('}');
    List<Blob> blobs = new ArrayList<>();
    blobs.add(config);
    blobs.addAll(layers);
    return new OciArtifact(Blob.of(OCI_MANIFEST, b.toString()), blobs, List.of());
  }

  /**
   * A small but real single-layer OCI image for {@code name:tag}: its layer holds one file, {@code
   * etc/upkeep-release}, naming the tag, so different tags have different digests.
   */
  public static OciArtifact image(String name, String tag) {
    Blob layer = imageLayer(name, tag, "application/vnd.oci.image.layer.v1.tar+gzip");
    Blob config = imageConfig("application/vnd.oci.image.config.v1+json", layer);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("org.opencontainers.image.created", CREATED);
    annotations.put("org.opencontainers.image.version", tag);
    return ociManifest(config, List.of(layer), annotations, true);
  }

  /** The same image as {@link #image} in Docker's v2 schema 2 format. */
  public static OciArtifact dockerImage(String name, String tag) {
    Blob layer = imageLayer(name, tag, "application/vnd.docker.image.rootfs.diff.tar.gzip");
    Blob config = imageConfig("application/vnd.docker.container.image.v1+json", layer);
    String body =
        "{\"schemaVersion\":2,\"mediaType\":"
            + Json.quote(DOCKER_MANIFEST)
            + ",\"config\":"
            + config.descriptor()
            + ",\"layers\":["
            + layer.descriptor()
            + "]}";
    return new OciArtifact(Blob.of(DOCKER_MANIFEST, body), List.of(config, layer), List.of());
  }

  /**
   * An OCI image index over {@code platforms} (for example {@code linux/amd64} and {@code
   * linux/arm64}), each an {@link #image} of its own.
   */
  public static OciArtifact index(String name, String tag, List<String> platforms) {
    List<OciArtifact> children = new ArrayList<>();
    StringBuilder b =
        new StringBuilder("{\"schemaVersion\":2,\"mediaType\":")
            .append(Json.quote(OCI_INDEX))
            .append(",\"manifests\":[");
    for (String platform : platforms) {
      String[] osArch = platform.split("/", 2);
      if (osArch.length != 2) {
        throw new IllegalArgumentException("platform must be os/arch, got \"" + platform + "\"");
      }
      OciArtifact child = image(name, tag + "-" + osArch[0] + "-" + osArch[1]);
      children.add(child);
      String descriptor = child.manifest.descriptor();
      b.append(children.size() == 1 ? "" : ",")
          .append(descriptor, 0, descriptor.length() - 1)
          .append(",\"platform\":{\"architecture\":")
          .append(Json.quote(osArch[1]))
          .append(",\"os\":")
          .append(Json.quote(osArch[0]))
          .append("}}");
    }
    b.append("]}");
    return new OciArtifact(Blob.of(OCI_INDEX, b.toString()), List.of(), children);
  }

  /**
   * An artifact from a manifest written by hand; {@code blobs} are the blobs it refers to. Use it
   * for formats the other factories do not build.
   */
  public static OciArtifact of(Blob manifest, List<Blob> blobs) {
    return new OciArtifact(Objects.requireNonNull(manifest, "manifest"), blobs, List.of());
  }

  private static Blob imageLayer(String name, String tag, String mediaType) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("etc/upkeep-release", (name + ":" + tag + "\n").getBytes(StandardCharsets.UTF_8));
    return Blob.of(mediaType, Tarball.gzip(files));
  }

  private static Blob imageConfig(String mediaType, Blob layer) {
    // The diff id should be the digest of the uncompressed layer; no client we test reads it.
    return Blob.of(
        mediaType,
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\""
            + CREATED
            + "\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + Json.quote(layer.digest())
            + "]}}");
  }

  /** The manifest: its bytes, media type and digest. */
  public Blob manifest() {
    return manifest;
  }

  /** {@code sha256:...} of the manifest bytes: what a registry answers as the tag's digest. */
  public String digest() {
    return manifest.digest();
  }

  /** The config and layer blobs the manifest refers to (none for an index). */
  public List<Blob> blobs() {
    return blobs;
  }

  /** The manifests an index lists, which must be pushed before it; empty otherwise. */
  public List<OciArtifact> children() {
    return children;
  }
}
