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
 * A device's long-term ML-DSA-65 identity key pair. It is made on the device and its private
 * half is written only to the device's own state directory ({@value #FILE}, mode 0600, PKCS#8
 * followed by the X.509 public key), never sent anywhere, never printed: {@link #toString()}
 * shows the public fingerprint only.
 */
public final class IdentityKeyPair {

    /** The file name under the device's state directory. */
    public static final String FILE = "identity.key";
    private static final byte[] MAGIC = {'Q', 'I', 'D', '1'};

    private final PrivateKey privateKey;
    private final IdentityKey publicKey;

    private IdentityKeyPair(PrivateKey privateKey, IdentityKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh key pair from a cryptographic generator. */
    public static IdentityKeyPair generate() {
        return generate(new SecureRandom());
    }

    public static IdentityKeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(IdentityKey.ALGORITHM);
            g.initialize(NamedParameterSpec.ML_DSA_65, Objects.requireNonNull(random, "random"));
            KeyPair kp = g.generateKeyPair();
            return new IdentityKeyPair(kp.getPrivate(), IdentityKey.of(kp.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(IdentityKey.ALGORITHM + " is missing from this JDK", e);
        }
    }

    /** The key pair in {@code dir}, made and saved there first if there is none. */
    public static IdentityKeyPair loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            return load(file);
        }
        IdentityKeyPair made = generate();
        made.save(file);
        return made;
    }

    /** @throws IOException unreadable, or not a key pair this class wrote */
    public static IdentityKeyPair load(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        try {
            if (all.length < 8 || !Arrays.equals(Arrays.copyOf(all, 4), MAGIC)) {
                throw new IOException(file + " is not a QSTCS identity key file");
            }
            int privLen = ((all[4] & 0xff) << 24) | ((all[5] & 0xff) << 16) | ((all[6] & 0xff) << 8) | (all[7] & 0xff);
            if (privLen <= 0 || 8 + privLen >= all.length) {
                throw new IOException(file + " is damaged");
            }
            byte[] pkcs8 = Arrays.copyOfRange(all, 8, 8 + privLen);
            try {
                PrivateKey priv = KeyFactory.getInstance(IdentityKey.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return new IdentityKeyPair(priv, IdentityKey.fromEncoded(Arrays.copyOfRange(all, 8 + privLen, all.length)));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException(file + " does not hold an " + IdentityKey.ALGORITHM + " key pair");
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    /** Writes the pair to {@code file}, created 0600 before any key byte is written. */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StateHome.privateFile(file);
        byte[] pkcs8 = privateKey.getEncoded();
        byte[] pub = publicKey.encoded();
        byte[] all = new byte[8 + pkcs8.length + pub.length];
        System.arraycopy(MAGIC, 0, all, 0, 4);
        all[4] = (byte) (pkcs8.length >>> 24);
        all[5] = (byte) (pkcs8.length >>> 16);
        all[6] = (byte) (pkcs8.length >>> 8);
        all[7] = (byte) pkcs8.length;
        System.arraycopy(pkcs8, 0, all, 8, pkcs8.length);
        System.arraycopy(pub, 0, all, 8 + pkcs8.length, pub.length);
        try {
            Files.write(file, all);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
            Arrays.fill(all, (byte) 0);
        }
    }

    public IdentityKey publicKey() {
        return publicKey;
    }

    /** This device's signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance(IdentityKey.ALGORITHM);
            s.initSign(privateKey);
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
