package qstcs.crypto.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;
import qstcs.crypto.home.StateHome;

/**
 * A device's long-term identity key pair: ML-DSA-65, or ML-DSA-65 together with Ed25519
 * ({@link IdentityAlgorithm}). It is made on the device and its private half is written only to
 * the device's own state directory ({@value #FILE}, mode 0600), never sent anywhere, never
 * printed: {@link #toString()} shows the public fingerprint only.
 *
 * <p>File layout: {@code "QID1"}, a 4-byte length, the ML-DSA-65 PKCS#8 key, then the X.509
 * public key (an ML-DSA-65 pair; files written before hybrids existed read unchanged); or
 * {@code "QID2"}, length + ML-DSA-65 PKCS#8, length + Ed25519 PKCS#8, then the hybrid public key.
 */
public final class IdentityKeyPair {

    /** The file name under the device's state directory. */
    public static final String FILE = "identity.key";
    private static final byte[] MAGIC = {'Q', 'I', 'D', '1'};
    private static final byte[] HYBRID_MAGIC = {'Q', 'I', 'D', '2'};

    private final PrivateKey mlDsa;
    /** Null for an ML-DSA-65-only pair. */
    private final PrivateKey ed25519;
    private final IdentityKey publicKey;

    private IdentityKeyPair(PrivateKey mlDsa, PrivateKey ed25519, IdentityKey publicKey) {
        this.mlDsa = mlDsa;
        this.ed25519 = ed25519;
        this.publicKey = publicKey;
    }

    /** A fresh ML-DSA-65 key pair from a cryptographic generator. */
    public static IdentityKeyPair generate() {
        return generate(IdentityAlgorithm.ML_DSA_65);
    }

    /** A fresh key pair of the given kind from a cryptographic generator. */
    public static IdentityKeyPair generate(IdentityAlgorithm kind) {
        return generate(kind, new SecureRandom());
    }

    public static IdentityKeyPair generate(SecureRandom random) {
        return generate(IdentityAlgorithm.ML_DSA_65, random);
    }

    public static IdentityKeyPair generate(IdentityAlgorithm kind, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        KeyPair ml = pair(IdentityAlgorithm.ML_DSA, NamedParameterSpec.ML_DSA_65, random);
        if (kind == IdentityAlgorithm.ML_DSA_65) {
            return new IdentityKeyPair(ml.getPrivate(), null, IdentityKey.of(ml.getPublic()));
        }
        KeyPair ed = pair(IdentityAlgorithm.ED25519, NamedParameterSpec.ED25519, random);
        return new IdentityKeyPair(ml.getPrivate(), ed.getPrivate(), IdentityKey.of(ml.getPublic(), ed.getPublic()));
    }

    private static KeyPair pair(String algorithm, NamedParameterSpec spec, SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(spec, random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }

    /** The ML-DSA-65 key pair in {@code dir}, made and saved there first if there is none. */
    public static IdentityKeyPair loadOrCreate(Path dir) throws IOException {
        return loadOrCreate(dir, IdentityAlgorithm.ML_DSA_65);
    }

    /**
     * The key pair in {@code dir}, whatever its kind; made as {@code forNew} and saved there first
     * if there is none. An existing pair is never replaced: a new key would make every peer that
     * verified this device see a changed key.
     */
    public static IdentityKeyPair loadOrCreate(Path dir, IdentityAlgorithm forNew) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            return load(file);
        }
        IdentityKeyPair made = generate(forNew);
        made.save(file);
        return made;
    }

    /** @throws IOException unreadable, or not a key pair this class wrote */
    public static IdentityKeyPair load(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        try {
            boolean hybrid = all.length >= 4 && Arrays.equals(Arrays.copyOf(all, 4), HYBRID_MAGIC);
            if (all.length < 8 || !(hybrid || Arrays.equals(Arrays.copyOf(all, 4), MAGIC))) {
                throw new IOException(file + " is not a QSTCS identity key file");
            }
            int[] at = {4};
            byte[] mlPkcs8 = chunk(all, at, file);
            byte[] edPkcs8 = hybrid ? chunk(all, at, file) : null;
            if (at[0] >= all.length) {
                throw new IOException(file + " is damaged");
            }
            try {
                IdentityKey pub = IdentityKey.fromEncoded(Arrays.copyOfRange(all, at[0], all.length));
                if (pub.algorithm() != (hybrid ? IdentityAlgorithm.ML_DSA_65_ED25519 : IdentityAlgorithm.ML_DSA_65)) {
                    throw new IOException(file + " is damaged");
                }
                PrivateKey ml = KeyFactory.getInstance(IdentityAlgorithm.ML_DSA).generatePrivate(new PKCS8EncodedKeySpec(mlPkcs8));
                PrivateKey ed = hybrid
                        ? KeyFactory.getInstance(IdentityAlgorithm.ED25519).generatePrivate(new PKCS8EncodedKeySpec(edPkcs8))
                        : null;
                return new IdentityKeyPair(ml, ed, pub);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException(file + " does not hold an identity key pair");
            } finally {
                Arrays.fill(mlPkcs8, (byte) 0);
                if (edPkcs8 != null) {
                    Arrays.fill(edPkcs8, (byte) 0);
                }
            }
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    /** Reads a 4-byte big-endian length and that many bytes at {@code at[0]}, moving it on. */
    private static byte[] chunk(byte[] all, int[] at, Path file) throws IOException {
        int i = at[0];
        if (i + 4 > all.length) {
            throw new IOException(file + " is damaged");
        }
        int len = ((all[i] & 0xff) << 24) | ((all[i + 1] & 0xff) << 16) | ((all[i + 2] & 0xff) << 8) | (all[i + 3] & 0xff);
        if (len <= 0 || len > all.length - i - 4) {
            throw new IOException(file + " is damaged");
        }
        at[0] = i + 4 + len;
        return Arrays.copyOfRange(all, i + 4, i + 4 + len);
    }

    /** Writes the pair to {@code file}, created 0600 before any key byte is written. */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StateHome.privateFile(file);
        byte[] ml = mlDsa.getEncoded();
        byte[] ed = ed25519 == null ? null : ed25519.getEncoded();
        byte[] pub = publicKey.encoded();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(ed == null ? MAGIC : HYBRID_MAGIC);
        writeChunk(out, ml);
        if (ed != null) {
            writeChunk(out, ed);
        }
        out.writeBytes(pub);
        byte[] all = out.toByteArray();
        try {
            Files.write(file, all);
        } finally {
            Arrays.fill(ml, (byte) 0);
            if (ed != null) {
                Arrays.fill(ed, (byte) 0);
            }
            Arrays.fill(all, (byte) 0);
        }
    }

    private static void writeChunk(java.io.ByteArrayOutputStream out, byte[] b) {
        out.write(b.length >>> 24);
        out.write(b.length >>> 16);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    public IdentityKey publicKey() {
        return publicKey;
    }

    /** This device's signature of {@code message}: ML-DSA-65, or ML-DSA-65 then Ed25519 for a hybrid pair. */
    public byte[] sign(byte[] message) {
        if (ed25519 == null) {
            return sign(IdentityAlgorithm.ML_DSA, mlDsa, message);
        }
        byte[] signed = IdentityKey.hybridMessage(message);
        byte[] ml = sign(IdentityAlgorithm.ML_DSA, mlDsa, signed);
        byte[] ed = sign(IdentityAlgorithm.ED25519, ed25519, signed);
        byte[] both = Arrays.copyOf(ml, ml.length + ed.length);
        System.arraycopy(ed, 0, both, ml.length, ed.length);
        return both;
    }

    private static byte[] sign(String algorithm, PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with the identity key failed", e);
        }
    }

    @Override
    public String toString() {
        return "IdentityKeyPair[public " + publicKey + ", private (hidden)]";
    }
}
