package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import org.junit.jupiter.api.Test;

/** BouncyCastle is optional: only OpenPGP signing needs it, and says so when it is absent. */
class OptionalBouncyCastleTest {

  /** Sees the JDK only, as a host without BouncyCastle on its class path would. */
  static final ClassLoader JDK_ONLY = new ClassLoader(null) {};

  @Test
  void openPgpSigningWithoutBouncyCastleNamesTheArtifactToAdd() {
    assertThatThrownBy(() -> CommitSigning.requireBouncyCastle(JDK_ONLY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("add org.bouncycastle:bcpg-jdk18on")
        .hasMessageContaining("org.bouncycastle.openpgp.PGPSecretKey is missing");
  }

  @Test
  void openPgpSigningWithBouncyCastlePresentGoesAhead() {
    assertThatCode(() -> CommitSigning.requireBouncyCastle(getClass().getClassLoader()))
        .doesNotThrowAnyException();
  }
}
