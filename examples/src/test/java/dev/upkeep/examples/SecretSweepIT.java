package dev.upkeep.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.upkeep.FileReport;
import dev.upkeep.Finding;
import dev.upkeep.PolicyReport;
import dev.upkeep.UpdateListener;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.cli.Logging;
import dev.upkeep.cli.UpkeepCommand;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.publish.pr.GitHubOpener;
import dev.upkeep.source.helm.HelmRepositorySource;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that fail while holding a secret, in every form a secret reaches Upkeep, and a sweep of
 * every output for its text: exception messages with their causes, the JSON, Markdown and text
 * reports, log records, listener events, commit messages and the command line's output. The servers
 * echo what they were sent (URL, headers) in their error bodies, as real ones sometimes do.
 */
class SecretSweepIT {

  static final List<String> OUTPUTS =
      List.of(
          "exception",
          "json",
          "markdown",
          "text",
          "upkeep log",
          "cli log",
          "events",
          "commits",
          "cli");

  @TempDir Path work;
  HttpServer echo;
  String echoHost;
  FakeOciRegistry registry;
  GitRemoteFixture remote;
  final List<String> upkeepLog = new ArrayList<>();
  final List<String> cliLog = new ArrayList<>();

  /** Upkeep's own log records as they are written, with no filter in between. */
  final Handler upkeepRecords =
      capture(
          upkeepLog, r -> r.getLoggerName() != null && r.getLoggerName().startsWith("dev.upkeep"));

  /** Every record of every library, as the command line's handlers print them. */
  final Handler cliRecords = capture(cliLog, r -> Logging.REDACT.isLoggable(r));

  static Handler capture(List<String> into, java.util.logging.Filter filter) {
    Handler h =
        new Handler() {
          final SimpleFormatter format = new SimpleFormatter();

          @Override
          public void publish(LogRecord r) {
            if (isLoggable(r)) {
              synchronized (into) {
                into.add(format.format(r));
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    h.setLevel(Level.ALL);
    h.setFilter(filter);
    return h;
  }

  Level rootLevel;

  @BeforeEach
  void start() throws IOException {
    echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    echo.createContext(
        "/",
        exchange -> {
          StringBuilder body =
              new StringBuilder("echo: ")
                  .append(exchange.getRequestMethod())
                  .append(' ')
                  .append(exchange.getRequestURI())
                  .append('\n');
          exchange
              .getRequestHeaders()
              .forEach(
                  (k, v) -> body.append(k).append(": ").append(String.join(",", v)).append('\n'));
          boolean authorized = exchange.getRequestHeaders().containsKey("Authorization");
          if (!authorized) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"echo\"");
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          byte[] bytes =
              ("{\"message\": \"" + body.toString().replace("\n", "\\n").replace("\"", "'") + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(authorized ? 403 : 401, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    echo.start();
    echoHost = "127.0.0.1:" + echo.getAddress().getPort();
    registry = FakeOciRegistry.start();
    registry.pushImage("org/app", "1.0.0");
    registry.pushImage("org/app", "1.1.0");
    remote = GitRemoteFixture.create();
    remote.seed(
        Map.of(
            "apps/app.yaml",
            "image: " + registry.host() + "/org/app:1.0.0 # {\"$imagepolicy\": \"fs:app\"}\n",
            "flux/echo.yaml",
            "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\n"
                + "metadata: {name: echo, namespace: fs}\nspec:\n  image: "
                + echoHost
                + "/org/app\n---\napiVersion: image.toolkit.fluxcd.io/v1beta2\n"
                + "kind: ImagePolicy\nmetadata: {name: echo, namespace: fs}\n"
                + "spec:\n  imageRepositoryRef: {name: echo}\n  policy: {semver: {range: 1.x}}\n",
            "apps/echo.yaml",
            "image: " + echoHost + "/org/app:1.0.0 # {\"$imagepolicy\": \"fs:echo\"}\n"));
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(upkeepRecords);
    root.addHandler(cliRecords);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("").removeHandler(upkeepRecords);
    Logger.getLogger("").removeHandler(cliRecords);
    Logger.getLogger("").setLevel(rootLevel);
    echo.stop(0);
    registry.close();
    remote.close();
  }

  /** What one failing run left behind, by output. */
  final class Outputs {
    final Map<String, StringBuilder> text = new LinkedHashMap<>();

    Outputs() {
      OUTPUTS.forEach(o -> text.put(o, new StringBuilder()));
    }

    void add(String output, String value) {
      text.get(output).append(value).append('\n');
    }

    UpdateListener listener() {
      return new UpdateListener() {
        @Override
        public void policyResolved(PolicyReport r) {
          add("events", r.toString());
        }

        @Override
        public void filePatched(FileReport f) {
          add("events", f.toString());
        }

        @Override
        public void finding(Finding f) {
          add("events", f.toString());
        }

        @Override
        public void published(PublishResult r) {
          add("events", r.toString());
        }

        @Override
        public void changeRequestOpened(ChangeRequest r) {
          add("events", r.toString());
        }
      };
    }

    void run(UpdatePipeline.Builder pipeline) {
      try {
        UpdateReport report = pipeline.listener(listener()).build().run();
        add("json", report.toJson());
        add("markdown", report.toMarkdown());
        add("text", report.toText());
      } catch (RuntimeException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        add("exception", trace.toString());
      }
    }

    void cli(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      UpkeepCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
      add("cli", out + "\n" + err);
    }

    void commits(String branch) {
      remote.log(branch).forEach(c -> add("commits", c.toString()));
    }

    void logs() {
      synchronized (upkeepLog) {
        upkeepLog.forEach(l -> add("upkeep log", l));
        upkeepLog.clear();
      }
      synchronized (cliLog) {
        cliLog.forEach(l -> add("cli log", l));
        cliLog.clear();
      }
    }
  }

  record Form(String name, List<String> secrets, Consumer<Outputs> run) {}

  UpdatePipeline.Builder pipeline(JGitPublisher.Builder publisher) {
    return UpdatePipeline.builder()
        .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
        .policy("fs:app", registry.imageRef("org/app"), SemverPolicy.of("1.x"))
        .patcher(SetterPatcher.create())
        .publisher(publisher.author("upkeep", "upkeep@example.com").build());
  }

  static String basic(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noSecretReachesAnyOutputOfAFailingRun() throws IOException {
    String urlUser = "ghp0urlUserSecret4711";
    String urlPassword = "ghp0urlPasswordSecret4712";
    String queryToken = "glpat0querySecret4713";
    String forgeToken = "ghp0forgeHeaderSecret4714";
    String dockerPassword = "dockerConfigSecret4715";
    String gitToken = "ghp0gitTokenSecret4716";
    Path dockerConfig = work.resolve("config.json");
    Files.writeString(
        dockerConfig,
        "{\"auths\": {\""
            + echoHost
            + "\": {\"auth\": \""
            + basic("robot", dockerPassword)
            + "\"}}}");
    String echoGit = "http://" + echoHost + "/o/r.git";
    List<Form> forms =
        List.of(
            new Form(
                "URL user",
                List.of(urlUser),
                o -> {
                  String url = "http://" + urlUser + "@" + echoHost + "/o/r.git";
                  o.run(pipeline(JGitPublisher.builder(url)));
                  o.cli("run", "--repo", url, "--format", "json");
                }),
            new Form(
                "URL user and password",
                List.of(urlPassword, basic("x-access-token", urlPassword)),
                o -> {
                  String url = "http://x-access-token:" + urlPassword + "@" + echoHost + "/o/r.git";
                  o.run(pipeline(JGitPublisher.builder(url)));
                  o.cli("plan", "--repo", url, "--format", "markdown");
                }),
            new Form(
                "query token",
                List.of(queryToken),
                o ->
                    o.run(
                        UpdatePipeline.builder()
                            .source(HelmRepositorySource.builder().maxAttempts(1).build())
                            .policy(
                                "fs:chart",
                                dev.upkeep.ArtifactRef.helmChart(
                                    URI.create(
                                        "http://"
                                            + echoHost
                                            + "/charts?access_token="
                                            + queryToken),
                                    "app"),
                                SemverPolicy.of("1.x"))
                            .patcher(SetterPatcher.create())
                            .publisher(
                                JGitPublisher.builder(remote.url())
                                    .author("upkeep", "upkeep@example.com")
                                    .build()))),
            new Form(
                "Authorization header echoed by the forge",
                List.of(forgeToken),
                o -> {
                  o.run(
                      pipeline(JGitPublisher.builder(remote.url()).pushBranch("upkeep/update"))
                          .changeRequests(
                              GitHubOpener.builder("org/repo", forgeToken)
                                  .apiUrl(URI.create("http://" + echoHost))
                                  .build()));
                  o.commits("upkeep/update");
                }),
            new Form(
                "Docker config password",
                List.of(dockerPassword, basic("robot", dockerPassword)),
                o -> {
                  o.run(
                      UpdatePipeline.builder()
                          .source(
                              OciRegistrySource.builder()
                                  .insecureRegistry(echoHost)
                                  .dockerConfig(dockerConfig)
                                  .build())
                          .policy(
                              "fs:echo",
                              dev.upkeep.ArtifactRef.parse(echoHost + "/org/app"),
                              SemverPolicy.of("1.x"))
                          .patcher(SetterPatcher.create())
                          .publisher(
                              JGitPublisher.builder(remote.url())
                                  .author("upkeep", "upkeep@example.com")
                                  .build()));
                  o.cli(
                      "plan",
                      "--repo",
                      remote.url(),
                      "--insecure-registry",
                      echoHost,
                      "--insecure-registry",
                      registry.host(),
                      "--docker-config",
                      dockerConfig.toString(),
                      "--format",
                      "json");
                }),
            new Form(
                "Git token",
                List.of(gitToken, basic("x-access-token", gitToken)),
                o -> o.run(pipeline(JGitPublisher.builder(echoGit).token(gitToken)))));

    int found = 0;
    int nonEmpty = 0;
    List<String> leaks = new ArrayList<>();
    for (Form form : forms) {
      Outputs outputs = new Outputs();
      form.run().accept(outputs);
      outputs.logs();
      for (Map.Entry<String, StringBuilder> e : outputs.text.entrySet()) {
        String text = e.getValue().toString();
        if (!text.isBlank()) {
          nonEmpty++;
        }
        for (String secret : form.secrets()) {
          if (text.contains(secret)) {
            found++;
            leaks.add(form.name() + " in " + e.getKey() + ":\n" + text);
          }
        }
      }
      // the runs failed as intended, so the sweep looked at real error output
      assertThat(
              (outputs.text.get("exception").toString() + outputs.text.get("json"))
                  .toLowerCase(java.util.Locale.ROOT))
          .as(form.name())
          .containsAnyOf("***", "failed", "error", "401", "403", "unauthorized", "denied");
    }
    System.out.printf(
        "secrets swept: %d forms × %d outputs (%d with text), %d found%n",
        forms.size(), OUTPUTS.size(), nonEmpty, found);
    assertThat(leaks).isEmpty();
  }
}
