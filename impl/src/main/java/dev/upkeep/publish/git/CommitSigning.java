package dev.upkeep.publish.git;

import dev.upkeep.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.eclipse.jgit.api.CommitCommand;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.lib.Signers;
import org.eclipse.jgit.transport.CredentialsProvider;

/** How commits are signed: with an SSH key (JGit's SSH signer) or an OpenPGP key from a file. */
abstract class CommitSigning {

  abstract void validate();

  abstract void configure(CommitCommand commit);

  static CommitSigning ssh(Path privateKey) {
    return new SshSigning(privateKey);
  }

  /** The artifact a host adds to sign with OpenPGP; BouncyCastle is an optional dependency. */
  static final String BOUNCY_CASTLE = "org.bouncycastle:bcpg-jdk18on";

  static CommitSigning openPgp(Path secretKey, char[] passphrase) {
    requireBouncyCastle(CommitSigning.class.getClassLoader());
    return new OpenPgpSigning(secretKey, passphrase == null ? null : passphrase.clone());
  }

  /**
   * Fails with a message naming the artifact to add when {@code loader} cannot see BouncyCastle's
   * OpenPGP and provider classes.
   */
  static void requireBouncyCastle(ClassLoader loader) {
    for (String name :
        new String[] {
          "org.bouncycastle.openpgp.PGPSecretKey",
          "org.bouncycastle.jce.provider.BouncyCastleProvider"
        }) {
      try {
        Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        throw new ConfigurationException(
            "OpenPGP commit signing needs BouncyCastle, an optional dependency of upkeep-impl: add "
                + BOUNCY_CASTLE
                + " (with bcprov-jdk18on) to the class path; "
                + name
                + " is missing");
      }
    }
  }

  private static final class SshSigning extends CommitSigning {
    private final Path key;

    SshSigning(Path key) {
      this.key = key.toAbsolutePath();
    }

    @Override
    void validate() {
      if (!Files.isReadable(key)) {
        throw new ConfigurationException("cannot read the SSH signing key " + key);
      }
    }

    @Override
    void configure(CommitCommand commit) {
      Config c = new Config();
      c.setString("gpg", null, "format", "ssh");
      GpgConfig config = new GpgConfig(c);
      Signer signer = Signers.get(GpgConfig.GpgFormat.SSH);
      if (signer == null) {
        throw new ConfigurationException(
            "SSH commit signing needs org.eclipse.jgit.ssh.apache on the class path");
      }
      commit
          .setSign(Boolean.TRUE)
          .setGpgConfig(config)
          .setSigner(signer)
          .setSigningKey(key.toString());
    }
  }

  /** Signs with a key read from a file, so no GnuPG home or agent is needed. */
  private static final class OpenPgpSigning extends CommitSigning implements Signer {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private final Path file;
    private final char[] passphrase;

    OpenPgpSigning(Path file, char[] passphrase) {
      this.file = file.toAbsolutePath();
      this.passphrase = passphrase;
    }

    @Override
    void validate() {
      PGPSecretKey key = secretKey();
      try {
        privateKey(key);
      } catch (PGPException e) {
        throw new ConfigurationException(
            "cannot unlock the OpenPGP key in " + file + ": wrong or missing passphrase", e);
      }
    }

    private PGPPrivateKey privateKey(PGPSecretKey key) throws PGPException {
      return key.extractPrivateKey(
          new JcePBESecretKeyDecryptorBuilder()
              .setProvider(BC)
              .build(passphrase == null ? new char[0] : passphrase));
    }

    @Override
    void configure(CommitCommand commit) {
      Config c = new Config();
      c.setString("gpg", null, "format", "openpgp");
      commit.setSign(Boolean.TRUE).setGpgConfig(new GpgConfig(c)).setSigner(this);
    }

    private PGPSecretKey secretKey() {
      try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
        PGPSecretKeyRingCollection rings =
            new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator());
        for (Iterator<PGPSecretKeyRing> r = rings.getKeyRings(); r.hasNext(); ) {
          for (Iterator<PGPSecretKey> k = r.next().getSecretKeys(); k.hasNext(); ) {
            PGPSecretKey key = k.next();
            if (key.isSigningKey() && !key.isPrivateKeyEmpty()) {
              return key;
            }
          }
        }
        throw new ConfigurationException("no OpenPGP signing key in " + file);
      } catch (IOException | PGPException e) {
        throw new ConfigurationException(
            "cannot read an OpenPGP secret key from " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public GpgSignature sign(
        Repository repository,
        GpgConfig config,
        byte[] data,
        PersonIdent committer,
        String signingKey,
        CredentialsProvider credentialsProvider)
        throws IOException {
      PGPSecretKey key = secretKey();
      try {
        PGPPrivateKey privateKey = privateKey(key);
        PGPSignatureGenerator generator =
            new PGPSignatureGenerator(
                new JcaPGPContentSignerBuilder(
                        key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                    .setProvider(BC),
                key.getPublicKey());
        generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
        generator.update(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
          generator.generate().encode(armored);
        }
        return new GpgSignature(out.toByteArray());
      } catch (PGPException e) {
        throw new IOException(
            "cannot sign with the OpenPGP key from " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public boolean canLocateSigningKey(
        Repository repository,
        GpgConfig config,
        PersonIdent committer,
        String signingKey,
        CredentialsProvider credentialsProvider) {
      return true;
    }

    @Override
    public String toString() {
      return "OpenPGP key " + file + " (passphrase " + (passphrase == null ? "none" : "set") + ")";
    }
  }
}
