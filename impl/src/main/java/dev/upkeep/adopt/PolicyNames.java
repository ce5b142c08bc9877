package dev.upkeep.adopt;

import dev.upkeep.ArtifactRef;
import dev.upkeep.adopt.Adoption.Policy;
import dev.upkeep.adopt.Candidates.Candidate;
import dev.upkeep.adopt.Candidates.ExistingPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Names the ImageRepository and ImagePolicy objects an adoption needs, and writes them. One
 * ImageRepository per image, one ImagePolicy per image, range and digest setting. Names come from
 * the image's last path component ({@code podinfo}); an image with several policies adds the range
 * ({@code podinfo-1-x}); a name taken by another image or by an object already in the repository
 * adds eight hex digits of the SHA-256 of the image reference. The names depend on the set of
 * values only, never on the order files are read in.
 */
final class PolicyNames {

  static final String HEADER =
      "# Written by upkeep adopt: the image policies that the setter markers in this repository\n"
          + "# refer to. Review the ranges before committing.\n";

  /** One policy: an image, a range and whether the digest is reflected. */
  private record Key(ArtifactRef artifact, String range, boolean digest) {
    String id() {
      return artifact + " " + range + (digest ? " digest" : "");
    }
  }

  private final String namespace;
  private final Set<String> existingNames;
  private final List<ExistingPolicy> existing;
  private final Map<Key, List<Candidate>> keys = new HashMap<>();
  private Map<Key, String> names;
  private Map<ArtifactRef, String> repositories;
  private final Map<Key, String> reused = new HashMap<>();

  PolicyNames(String namespace, Set<String> existingNames, List<ExistingPolicy> existing) {
    this.namespace = namespace;
    this.existingNames = existingNames;
    this.existing = existing;
  }

  /** Registers a value that needs the policy of its image and {@code range}. */
  void register(Candidate c, String range) {
    if (names != null) {
      throw new IllegalStateException("all values must be registered before any is named");
    }
    keys.computeIfAbsent(new Key(c.artifact(), range, c.digest()), k -> new ArrayList<>()).add(c);
  }

  /** The {@code namespace:name} of the policy for a registered value. */
  String policyFor(Candidate c, String range) {
    if (names == null) {
      resolve();
    }
    Key key = new Key(c.artifact(), range, c.digest());
    String reuse = reused.get(key);
    return reuse != null ? reuse : namespace + ":" + names.get(key);
  }

  private void resolve() {
    names = new TreeMap<>(java.util.Comparator.comparing(Key::id));
    repositories = new TreeMap<>(java.util.Comparator.comparing(ArtifactRef::toString));
    Map<ArtifactRef, List<Key>> byArtifact =
        new TreeMap<>(java.util.Comparator.comparing(ArtifactRef::toString));
    for (Key k : keys.keySet()) {
      ExistingPolicy same = k.digest() ? null : existingFor(k);
      if (same != null) {
        reused.put(k, same.namespace() + ":" + same.name());
        continue;
      }
      byArtifact.computeIfAbsent(k.artifact(), a -> new ArrayList<>()).add(k);
    }
    Map<String, Integer> baseUse = new HashMap<>();
    byArtifact.keySet().forEach(a -> baseUse.merge(dns(a.name()), 1, Integer::sum));
    for (Map.Entry<ArtifactRef, List<Key>> e : byArtifact.entrySet()) {
      ArtifactRef a = e.getKey();
      String base = dns(a.name());
      String repo = baseUse.get(base) > 1 || taken(base) ? base + "-" + hash(a.toString()) : base;
      repositories.put(a, repo);
      List<Key> ofArtifact = e.getValue();
      ofArtifact.sort(java.util.Comparator.comparing(Key::id));
      for (Key k : ofArtifact) {
        String name =
            ofArtifact.size() == 1
                ? repo
                : repo + "-" + dns(k.range()) + (k.digest() ? "-digest" : "");
        if (ofArtifact.size() > 1 && taken(name)) {
          name = name + "-" + hash(k.id());
        }
        names.put(k, name);
      }
    }
  }

  private boolean taken(String name) {
    return existingNames.contains(namespace + ":" + name);
  }

  private ExistingPolicy existingFor(Key k) {
    for (ExistingPolicy p : existing) {
      try {
        if (ArtifactRef.parse(p.image()).equals(k.artifact())
            && p.range().strip().equals(k.range())) {
          return p;
        }
      } catch (IllegalArgumentException e) {
        // an ImageRepository whose image does not parse is reused by nothing
      }
    }
    return null;
  }

  /** Every policy the markers refer to, new and reused, by name. */
  List<Policy> policies() {
    if (names == null) {
      resolve();
    }
    Map<String, Policy> out = new TreeMap<>();
    names.forEach(
        (k, name) ->
            out.put(
                namespace + ":" + name,
                new Policy(
                    namespace + ":" + name,
                    namespace + ":" + repositories.get(k.artifact()),
                    k.artifact().imageName(),
                    k.range(),
                    k.digest(),
                    true)));
    reused.forEach(
        (k, name) ->
            out.put(name, new Policy(name, "", k.artifact().imageName(), k.range(), false, false)));
    return new ArrayList<>(out.values());
  }

  /** The new objects as YAML documents, each starting with {@code ---}; empty when none. */
  String render() {
    if (names == null) {
      resolve();
    }
    StringBuilder out = new StringBuilder();
    Set<ArtifactRef> written = new TreeSet<>(java.util.Comparator.comparing(ArtifactRef::toString));
    names.keySet().forEach(k -> written.add(k.artifact()));
    for (ArtifactRef a : written) {
      boolean insecure = false;
      String secret = "";
      for (Map.Entry<Key, List<Candidate>> e : keys.entrySet()) {
        if (!e.getKey().artifact().equals(a) || reused.containsKey(e.getKey())) {
          continue;
        }
        for (Candidate c : e.getValue()) {
          insecure |= c.insecure();
          if (secret.isEmpty()) {
            secret = c.secretName();
          }
        }
      }
      out.append("---\napiVersion: ")
          .append(Adoption.IMAGE_API)
          .append("\nkind: ImageRepository\nmetadata:\n  name: ")
          .append(repositories.get(a))
          .append("\n  namespace: ")
          .append(namespace)
          .append("\nspec:\n  image: ")
          .append(a.imageName())
          .append("\n  interval: 5m\n");
      if (insecure) {
        out.append("  insecure: true\n");
      }
      if (!secret.isEmpty()) {
        out.append("  secretRef:\n    name: ").append(secret).append('\n');
      }
    }
    names.forEach(
        (k, name) -> {
          out.append("---\napiVersion: ")
              .append(Adoption.IMAGE_API)
              .append("\nkind: ImagePolicy\nmetadata:\n  name: ")
              .append(name)
              .append("\n  namespace: ")
              .append(namespace)
              .append("\nspec:\n  imageRepositoryRef:\n    name: ")
              .append(repositories.get(k.artifact()))
              .append("\n  policy:\n    semver:\n      range: \"")
              .append(Adoption.json(k.range()))
              .append("\"\n");
          if (k.digest()) {
            out.append("  digestReflectionPolicy: IfNotPresent\n");
          }
        });
    return out.toString();
  }

  /** A Kubernetes object name part: lowercase letters, digits and single dashes. */
  static String dns(String s) {
    String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (out.length() > 40) {
      out = out.substring(0, 40).replaceAll("-+$", "");
    }
    return out.isEmpty() ? "image" : out;
  }

  private static String hash(String s) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
