package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed commits, checked by {@code git verify-commit} (with ssh-keygen and gpg). */
class SigningIT {
  static final String DEV = "apps/dev/podinfo.yaml";

  GitRemoteFixture remote;
  @TempDir Path keys;
  @TempDir Path work;

  @BeforeEach
  void seed() {
    remote = GitRemoteFixture.create().seed(Map.of(DEV, "version: 6.5.3\n"));
  }

  @AfterEach
  void close() {
    remote.close();
  }

  JGitPublisher.Builder publisher() {
    return JGitPublisher.builder(remote.url())
        .pushBranch("develop")
        .author("Upkeep Bot", "bot@upkeep.test")
        .workDirectory(work);
  }

  @Test
  void anSshSignedCommitVerifiesWithGitVerifyCommit() throws Exception {
    Path key = SshPublishIT.sshKeygen(keys, "signing");
    String[] pub = Files.readString(keys.resolve("signing.pub")).split(" ");
    Path allowed = keys.resolve("allowed_signers");
    Files.writeString(allowed, "bot@upkeep.test " + pub[0] + " " + pub[1] + "\n");

    String id =
        publisher()
            .signWithSshKey(key)
            .build()
            .publish(Updates.replace("6.5.3", "6.5.4", DEV))
            .commit()
            .orElseThrow();

    assertThat(remote.log("develop").get(0).signed()).isTrue();
    GitCli.Result verify =
        new GitCli(keys.resolve("home"))
            .tryRun(
                remote.directory(),
                null,
                "-c",
                "gpg.format=ssh",
                "-c",
                "gpg.ssh.allowedSignersFile=" + allowed,
                "verify-commit",
                id);
    assertThat(verify.exitCode()).as(verify.stderr()).isZero();
    assertThat(verify.stderr()).contains("Good \"git\" signature for bot@upkeep.test");
  }

  @Test
  void anOpenPgpSignedCommitVerifiesWithGitVerifyCommit() throws Exception {
    Path home = keys.resolve("home");
    Path gnupg = home.resolve(".gnupg");
    Files.createDirectories(gnupg);
    gnupg.toFile().setReadable(true, true);
    try {
      gpg(gnupg, "--quick-gen-key", "Upkeep Bot <bot@upkeep.test>", "ed25519", "sign", "never");
      Path secret = keys.resolve("bot.asc");
      Files.write(secret, gpg(gnupg, "--armor", "--export-secret-keys", "bot@upkeep.test"));

      assertThatThrownBy(
              () -> publisher().signWithOpenPgpKey(secret, "wrong".toCharArray()).build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("cannot unlock the OpenPGP key");
      String id =
          publisher()
              .signWithOpenPgpKey(secret, "correct horse".toCharArray())
              .build()
              .publish(Updates.replace("6.5.3", "6.5.4", DEV))
              .commit()
              .orElseThrow();

      GitCli.Result verify = new GitCli(home).tryRun(remote.directory(), null, "verify-commit", id);
      assertThat(verify.exitCode()).as(verify.stderr()).isZero();
      assertThat(verify.stderr()).contains("Good signature from \"Upkeep Bot <bot@upkeep.test>\"");
    } finally {
      new ProcessBuilder("gpgconf", "--homedir", gnupg.toString(), "--kill", "gpg-agent")
          .start()
          .waitFor();
    }
  }

  @Test
  void aSigningKeyThatCannotBeReadFailsTheBuild() throws Exception {
    Path bogus = keys.resolve("bogus.asc");
    Files.writeString(bogus, "not a key");

    assertThatThrownBy(() -> publisher().signWithOpenPgpKey(bogus, null).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no OpenPGP signing key in " + bogus);
    assertThatThrownBy(() -> publisher().signWithSshKey(keys.resolve("missing")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot read the SSH signing key");
  }

  static byte[] gpg(Path home, String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "gpg",
                "--homedir",
                home.toString(),
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "correct horse"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    return out;
  }
}
