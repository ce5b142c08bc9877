package dev.upkeep.source.oci;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import dev.upkeep.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Finds the credentials for a registry with Jib's credential machinery: explicit credentials from
 * the builder first, then the Docker config file ({@code auths}, {@code credHelpers}, {@code
 * credsStore}), then the well-known credential helpers (ECR, GCR). Results are kept a few minutes
 * so a credential helper is not started once per repository.
 */
final class Credentials {
  private static final System.Logger LOG = Redaction.logger(Credentials.class.getName());
  private static final Duration KEEP = Duration.ofMinutes(10);

  /** A user name and secret; {@link #toString()} never shows the secret. */
  static final class Secret {
    final String username;
    final String password;
    final boolean identityToken;
    final String source;

    Secret(String username, String password, boolean identityToken, String source) {
      this.username = username;
      this.password = password;
      Redaction.registerSecret(password);
      this.identityToken = identityToken;
      this.source = source;
    }

    @Override
    public String toString() {
      return "credentials of " + username + " from " + source;
    }
  }

  private static final class Cached {
    final Optional<Secret> secret;
    final Instant until;

    Cached(Optional<Secret> secret, Instant until) {
      this.secret = secret;
      this.until = until;
    }
  }

  private final Settings settings;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  Credentials(Settings settings) {
    this.settings = settings;
  }

  /**
   * The credentials for {@code registry} (as written in references, e.g. {@code docker.io}), looked
   * up with {@code apiHost}/{@code repository} as Jib would.
   */
  Optional<Secret> lookup(String registry, String apiHost, String repository) {
    Cached hit = cache.get(registry);
    if (hit != null && hit.until.isAfter(Instant.now())) {
      return hit.secret;
    }
    Optional<Secret> found = find(registry, apiHost, repository);
    cache.put(registry, new Cached(found, Instant.now().plus(KEEP)));
    return found;
  }

  private Optional<Secret> find(String registry, String apiHost, String repository) {
    String[] explicit = settings.credentials.get(registry);
    if (explicit == null) {
      explicit = settings.credentials.get(apiHost);
    }
    if (explicit != null) {
      return Optional.of(
          new Secret(
              explicit[0],
              explicit[1],
              Credential.OAUTH2_TOKEN_USER_NAME.equals(explicit[0]),
              "the source's credentials"));
    }
    if (!settings.useDockerConfig) {
      return Optional.empty();
    }
    Consumer<LogEvent> log =
        e ->
            LOG.log(
                System.Logger.Level.DEBUG, "credentials for {0}: {1}", registry, e.getMessage());
    CredentialRetrieverFactory factory =
        CredentialRetrieverFactory.forImage(ImageReference.of(apiHost, repository, null), log);
    List<CredentialRetriever> retrievers = new ArrayList<>();
    retrievers.add(
        settings.dockerConfig != null
            ? factory.dockerConfig(settings.dockerConfig)
            : factory.dockerConfig());
    retrievers.add(factory.wellKnownCredentialHelpers());
    for (CredentialRetriever retriever : retrievers) {
      try {
        Optional<Credential> credential = retriever.retrieve();
        if (credential.isPresent()) {
          return Optional.of(
              new Secret(
                  credential.get().getUsername(),
                  credential.get().getPassword(),
                  credential.get().isOAuth2RefreshToken(),
                  "the Docker configuration"));
        }
      } catch (CredentialRetrievalException | RuntimeException e) {
        // A broken helper must not stop anonymous access; say so once at debug level.
        LOG.log(
            System.Logger.Level.DEBUG,
            "cannot read credentials for {0}: {1}",
            registry,
            e.getClass().getSimpleName());
      }
    }
    return Optional.empty();
  }
}
