package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Nested
  class Text {
    @Test
    void takesUsersAndPasswordsOutOfUrls() {
      assertThat(Redaction.redact("cannot clone https://ghp_abc123@github.com/o/r.git: denied"))
          .isEqualTo("cannot clone https://***@github.com/o/r.git: denied");
      assertThat(Redaction.redact("https://x-access-token:ghs_9z@host:8443/o/r.git"))
          .isEqualTo("https://x-access-token:***@host:8443/o/r.git");
      assertThat(Redaction.redact("\"http://user:p%40ss@127.0.0.1/x\""))
          .isEqualTo("\"http://***:***@127.0.0.1/x\"");
      assertThat(Redaction.redact("https://ghp_abc123:x-oauth-basic@github.com/o/r"))
          .isEqualTo("https://***:***@github.com/o/r");
      assertThat(Redaction.redact("ssh://git@127.0.0.1:2222/r.git and ssh://deploy@host/r.git"))
          .isEqualTo("ssh://git@127.0.0.1:2222/r.git and ssh://deploy@host/r.git");
    }

    @Test
    void findsAUrlsPasswordAmongADiffsHunkHeadersAndLeavesTheHeaders() {
      String diff =
          "--- a/x.yaml\\n+++ b/x.yaml\\n@@ -6,4 +6,4 @@\\n url: https://github.com/o/r\\n";
      assertThat(Redaction.redact(diff)).isEqualTo(diff);
      assertThat(Redaction.redact(diff + " repo: https://bot:s3cretpass@git.example.com/o/r\\n"))
          .isEqualTo(diff + " repo: https://***:***@git.example.com/o/r\\n");
      // the pattern's \s is ASCII: a user with a wide space in it is still one user
      assertThat(Redaction.redact("https://ab\u2003cd:pw@host/x"))
          .isEqualTo("https://***:***@host/x");
    }

    @Test
    void leavesReferencesWithDigestsAndPlainUrlsAlone() {
      String text =
          "oci://ghcr.io/org/app@sha256:0123abcd and https://github.com/o/r.git and"
              + " ghcr.io/org/app:1.2.3@sha256:ff and git@github.com:o/r.git";
      assertThat(Redaction.redact(text)).isEqualTo(text);
    }

    @Test
    void masksTokenQueryParameters() {
      assertThat(
              Redaction.redact(
                  "GET https://gitlab.example.com/api?private_token=glpat-1&x=1&access_token=a2b"))
          .isEqualTo("GET https://gitlab.example.com/api?private_token=***&x=1&access_token=***");
      assertThat(Redaction.redact("http://h/charts?token=abc123#app"))
          .isEqualTo("http://h/charts?token=***#app");
    }

    @Test
    void masksAuthorizationValues() {
      assertThat(Redaction.redact("Authorization: Bearer eyJhbGciOi.x1.y2"))
          .isEqualTo("Authorization: Bearer ***");
      assertThat(Redaction.redact("{\"Authorization\": \"token ghp_12345678\"}"))
          .isEqualTo("{\"Authorization\": \"token ***\"}");
      assertThat(Redaction.redact("header Basic dXNlcjpwYXNzd29yZDE="))
          .isEqualTo("header Basic ***");
      assertThat(Redaction.redact("the registry wants basic authentication"))
          .isEqualTo("the registry wants basic authentication");
    }

    @Test
    void masksRegisteredSecretsAndTheirBase64FormWhereverTheyAppear() {
      Redaction.registerSecret("s3cr3t-registered-1");
      String b64 = Base64.getEncoder().encodeToString("s3cr3t-registered-1".getBytes());
      assertThat(Redaction.redact("remote: token s3cr3t-registered-1 is expired; " + b64))
          .isEqualTo("remote: token *** is expired; ***");
    }

    @Test
    void ignoresSecretsTooShortToMaskSafely() {
      Redaction.registerSecret("abc");
      assertThat(Redaction.redact("abc abcdef")).isEqualTo("abc abcdef");
    }
  }

  @Nested
  class Exceptions {
    @Test
    void keepsAChainWithoutSecretsAsItIs() {
      IOException cause = new IOException("connection refused");
      assertThat(Redaction.redact((Throwable) cause)).isSameAs(cause);
    }

    @Test
    void copiesAChainWhoseMessagesHoldSecrets() {
      IOException root = new IOException("https://tok3n-abc@host/o/r.git: not authorized");
      RuntimeException middle = new RuntimeException("wrapped", root);
      UpkeepException e = new UpkeepException("push to https://tok3n-abc@host failed", middle);
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString())
          .doesNotContain("tok3n-abc")
          .contains("push to https://***@host failed")
          .contains("java.io.IOException: https://***@host/o/r.git: not authorized");
      assertThat(e.getCause().getStackTrace()).isEqualTo(middle.getStackTrace());
    }
  }

  @Test
  void findingsAndReasonsAreRedactedWhenMade() {
    assertThat(Finding.warning("a.yaml", 1, "see http://u:pw1234@h/x").message())
        .isEqualTo("see http://***:***@h/x");
  }

  @Nested
  class Loggers {
    final Logger root = Logger.getLogger("");
    final List<String> records = new CopyOnWriteArrayList<>();
    final Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLoggerName().equals("dev.upkeep.test.skip")) {
              records.add(r.getLevel() + " " + r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };

    @Test
    void aThresholdAnswersForTheLevelsBelowItAndPassesTheRestOnRedacted() {
      Level rootLevel = root.getLevel();
      root.setLevel(Level.ALL);
      root.addHandler(capture);
      System.Logger log = Redaction.logger("dev.upkeep.test.skip");
      try {
        Redaction.skipLoggingBelow(System.Logger.Level.WARNING);
        log.log(System.Logger.Level.DEBUG, "GET https://u:pw1234@h/x");
        log.log(System.Logger.Level.WARNING, "GET https://u:pw1234@h/x failed");
        assertThat(log.isLoggable(System.Logger.Level.INFO)).isFalse();
        assertThat(log.isLoggable(System.Logger.Level.ERROR)).isTrue();

        Redaction.skipLoggingBelow(System.Logger.Level.ALL);
        log.log(System.Logger.Level.DEBUG, "asked again");
      } finally {
        Redaction.skipLoggingBelow(System.Logger.Level.ALL);
        root.removeHandler(capture);
        root.setLevel(rootLevel);
      }
      assertThat(records)
          .containsExactly("WARNING GET https://***:***@h/x failed", "FINE asked again");
    }
  }
}
