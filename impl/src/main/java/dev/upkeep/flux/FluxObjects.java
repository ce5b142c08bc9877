package dev.upkeep.flux;

import dev.upkeep.Finding;
import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.DocumentKinds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The Flux objects defined in a repository: {@code ImageRepository}, {@code ImagePolicy}, {@code
 * ImageUpdateAutomation}, {@code OCIRepository}, {@code HelmRepository} and {@code HelmRelease} of
 * the API versions Upkeep understands. Immutable.
 */
public final class FluxObjects {

  /** The kinds and the API versions of each that Upkeep reads. */
  static final Map<String, Set<String>> SUPPORTED =
      Map.of(
          "ImageRepository",
              Set.of("image.toolkit.fluxcd.io/v1beta2", "image.toolkit.fluxcd.io/v1"),
          "ImagePolicy", Set.of("image.toolkit.fluxcd.io/v1beta2", "image.toolkit.fluxcd.io/v1"),
          "ImageUpdateAutomation",
              Set.of("image.toolkit.fluxcd.io/v1beta2", "image.toolkit.fluxcd.io/v1"),
          "OCIRepository",
              Set.of("source.toolkit.fluxcd.io/v1beta2", "source.toolkit.fluxcd.io/v1"),
          "HelmRepository",
              Set.of("source.toolkit.fluxcd.io/v1beta2", "source.toolkit.fluxcd.io/v1"),
          "HelmRelease",
              Set.of(
                  "helm.toolkit.fluxcd.io/v2beta1",
                  "helm.toolkit.fluxcd.io/v2beta2",
                  "helm.toolkit.fluxcd.io/v2"));

  private static final long MAX_FILE_BYTES = 4L << 20;

  private final List<FluxObject> objects;
  private final List<Finding> findings;

  private FluxObjects(List<FluxObject> objects, List<Finding> findings) {
    this.objects = List.copyOf(objects);
    this.findings = List.copyOf(findings);
  }

  /** Reads every YAML file under {@code root} that mentions a Flux toolkit API. */
  public static FluxObjects scan(Path root) {
    return scan(root, ManifestFiles.yamlFiles());
  }

  /** The text every file holding a Flux object has: the screen before parsing YAML. */
  public static final String TOKEN = "toolkit.fluxcd.io";

  /** Reads the files {@code files} lists under {@code root} that mention a Flux toolkit API. */
  public static FluxObjects scan(Path root, ManifestFiles files) {
    if (files instanceof ManifestWalk) {
      return of(root, ((ManifestWalk) files).screen(root, List.of(TOKEN)).texts());
    }
    Map<Path, String> texts = new LinkedHashMap<>();
    List<Finding> findings = new ArrayList<>();
    for (Path rel : files.list(root)) {
      try {
        Path file = root.resolve(rel);
        if (Files.size(file) > MAX_FILE_BYTES) {
          continue;
        }
        texts.put(rel, Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException | java.io.UncheckedIOException e) {
        findings.add(
            Finding.warning(
                rel.toString().replace('\\', '/'), 0, "cannot read: " + e.getMessage()));
      }
    }
    FluxObjects found = of(root, texts);
    findings.addAll(found.findings);
    return new FluxObjects(found.objects, findings);
  }

  /**
   * The Flux objects of manifests already read: {@code texts} maps each file's path relative to
   * {@code root} to its text (those without {@link #TOKEN} are passed over unparsed); {@code root}
   * is read only for the {@code kustomization.yaml} namespaces that apply.
   */
  public static FluxObjects of(Path root, Map<Path, String> texts) {
    List<FluxObject> objects = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    Map<Path, Optional<String>> namespaces = new HashMap<>();
    texts.forEach(
        (rel, content) -> {
          if (content.contains(TOKEN)) {
            String name = rel.toString().replace('\\', '/');
            parse(root, rel, name, content, objects, findings, namespaces);
          }
        });
    return new FluxObjects(objects, findings);
  }

  /**
   * The Flux objects an automation reads ({@link FluxAutomation#from}), of manifests already read:
   * as {@link #of}, except that a file whose only Flux API is {@code helm.toolkit.fluxcd.io} and
   * that never says {@code chartRef} is not parsed. An automation reads a HelmRelease only for the
   * OCIRepository its {@code spec.chartRef} names, and a repository of many releases spent most of
   * its parsing on them. Other readers ({@code verify} compares releases) use {@link #of}.
   */
  public static FluxObjects forAutomation(Path root, Map<Path, String> texts) {
    Map<Path, String> read = new LinkedHashMap<>();
    texts.forEach(
        (rel, content) -> {
          if (content.contains("image.toolkit.fluxcd.io")
              || content.contains("source.toolkit.fluxcd.io")
              || (content.contains("helm.toolkit.fluxcd.io") && content.contains("chartRef"))) {
            read.put(rel, content);
          }
        });
    return of(root, read);
  }

  /** Immutable, and not cheap to build (the schema compiles its patterns): built once. */
  private static final LoadSettings SETTINGS =
      LoadSettings.builder()
          .setMaxAliasesForCollections(50)
          .setCodePointLimit(
              MAX_FILE_BYTES > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) MAX_FILE_BYTES)
          .setAllowDuplicateKeys(false)
          .build();

  private static LoadSettings settings() {
    return SETTINGS;
  }

  private static void parse(
      Path root,
      Path rel,
      String name,
      String content,
      List<FluxObject> objects,
      List<Finding> findings,
      Map<Path, Optional<String>> namespaces) {
    List<Node> nodes = new ArrayList<>();
    List<Object> docs = new ArrayList<>();
    try {
      // One parse: the nodes give the lines, and each is built into plain Java values.
      LoadSettings settings = settings();
      new Compose(settings).composeAllFromString(onlyFluxKinds(content)).forEach(nodes::add);
      for (Node node : nodes) {
        docs.add(
            new StandardConstructor(settings).constructSingleDocument(Optional.ofNullable(node)));
      }
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      findings.add(
          Finding.warning(
              name,
              0,
              "not valid YAML, Flux objects in it are ignored: "
                  + reason.lines().findFirst().orElse("")));
      return;
    }
    for (int i = 0; i < docs.size(); i++) {
      if (!(docs.get(i) instanceof Map<?, ?>)) {
        continue;
      }
      Map<?, ?> doc = (Map<?, ?>) docs.get(i);
      String apiVersion = String.valueOf(doc.get("apiVersion"));
      String kind = String.valueOf(doc.get("kind"));
      int line =
          i < nodes.size() && nodes.get(i) != null
              ? nodes.get(i).getStartMark().map(m -> m.getLine() + 1).orElse(1)
              : 1;
      if (!SUPPORTED.containsKey(kind) || !apiVersion.contains("toolkit.fluxcd.io")) {
        continue;
      }
      if (!SUPPORTED.get(kind).contains(apiVersion)) {
        findings.add(
            Finding.warning(
                name,
                line,
                "ignoring "
                    + kind
                    + " of unsupported apiVersion \""
                    + apiVersion
                    + "\" (supported: "
                    + SUPPORTED.get(kind).stream().sorted().collect(Collectors.joining(", "))
                    + ")"));
        continue;
      }
      Map<?, ?> metadata =
          doc.get("metadata") instanceof Map<?, ?> ? (Map<?, ?>) doc.get("metadata") : Map.of();
      Object objName = metadata.get("name");
      if (objName == null) {
        findings.add(Finding.warning(name, line, kind + " without metadata.name is ignored"));
        continue;
      }
      Object ns = metadata.get("namespace");
      // Kustomize's namespace: overrides what the object says, as it does when Flux applies it.
      String namespace =
          kustomizeNamespace(root, rel.getParent(), namespaces)
              .orElse(ns != null ? String.valueOf(ns) : "default");
      Map<String, Object> spec = new HashMap<>();
      if (doc.get("spec") instanceof Map<?, ?>) {
        ((Map<?, ?>) doc.get("spec"))
            .forEach((k, v) -> spec.put(String.valueOf(k), v == null ? "" : v));
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (metadata.get("labels") instanceof Map<?, ?>) {
        ((Map<?, ?>) metadata.get("labels"))
            .forEach(
                (k, v) -> {
                  if (k != null && v != null) {
                    labels.put(String.valueOf(k), String.valueOf(v));
                  }
                });
      }
      objects.add(
          new FluxObject(
              apiVersion, kind, namespace, String.valueOf(objName), spec, name, line, labels));
    }
  }

  /**
   * {@code content} with every document whose own {@code kind} is none that Upkeep reads left
   * blank, its lines kept as empty lines ({@link DocumentKinds#keep}). A Flux installation's {@code
   * gotk-components.yaml} (half a megabyte of CustomResourceDefinitions and Deployments, which name
   * the toolkit's API groups) then costs a scan for line ends instead of a YAML parse, and a broken
   * document there no longer hides the Flux objects beside it.
   *
   * @param content a manifest's text
   * @return the text of the documents that may be Flux objects Upkeep reads, with as many lines
   */
  public static String onlyFluxKinds(String content) {
    return DocumentKinds.keep(content, SUPPORTED.keySet());
  }

  /** The {@code namespace:} of the nearest {@code kustomization.yaml} at or above {@code dir}. */
  private static Optional<String> kustomizeNamespace(
      Path root, Path dir, Map<Path, Optional<String>> cache) {
    if (dir == null) {
      return Optional.empty();
    }
    Optional<String> cached = cache.get(dir);
    if (cached != null) {
      return cached;
    }
    Optional<String> found = Optional.empty();
    for (String n : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
      Path k = root.resolve(dir).resolve(n);
      if (Files.isRegularFile(k)) {
        try {
          Object doc =
              new Load(settings()).loadFromString(Files.readString(k, StandardCharsets.UTF_8));
          if (doc instanceof Map<?, ?> && ((Map<?, ?>) doc).get("namespace") != null) {
            found = Optional.of(String.valueOf(((Map<?, ?>) doc).get("namespace")));
          }
        } catch (IOException | RuntimeException e) {
          // An unreadable kustomization gives no namespace; the objects fall back further up.
        }
        break;
      }
    }
    if (found.isEmpty()) {
      found = kustomizeNamespace(root, dir.getParent(), cache);
    }
    cache.put(dir, found);
    return found;
  }

  /** Every object found, in file order. */
  public List<FluxObject> all() {
    return objects;
  }

  /** The objects of one kind. */
  public List<FluxObject> ofKind(String kind) {
    return objects.stream().filter(o -> o.kind().equals(kind)).collect(Collectors.toList());
  }

  /** The object of {@code kind} named {@code namespace/name}; the first when there are copies. */
  public Optional<FluxObject> find(String kind, String namespace, String name) {
    return named(kind, namespace, name).stream().findFirst();
  }

  /**
   * Every object of {@code kind} named {@code namespace/name}, in the order they were read: a
   * repository of several clusters may define one in each.
   */
  public List<FluxObject> named(String kind, String namespace, String name) {
    return objects.stream()
        .filter(
            o -> o.kind().equals(kind) && o.namespace().equals(namespace) && o.name().equals(name))
        .collect(Collectors.toList());
  }

  /** Problems met while reading: unparsable files, unsupported API versions. */
  public List<Finding> findings() {
    return findings;
  }
}
