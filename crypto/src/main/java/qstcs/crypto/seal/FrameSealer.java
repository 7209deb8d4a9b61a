package qstcs.crypto.seal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;
import qstcs.crypto.keys.Hkdf;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.wire.CanonicalEncoding;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.LowerHex;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * Seals chat messages into {@link SealedFrame}s and opens them, for one session key (one key_id).
 *
 * <p>Each frame is AES-256-GCM under the per-direction key
 * {@link Hkdf#directionKey HKDF(session key, "qstcs/1 " + sender + ">" + recipient)}, with a
 * fresh 12-byte random nonce made here (never by the caller), a 128-bit tag, and the header bound
 * as AAD ({@link FrameAad}). {@link #open} fails with one {@link FrameRejectedException} for every
 * kind of tampering. Random 96-bit nonces are safe for 2^32 frames per key; the
 * {@link KeyRotationPolicy} keeps every key far below that.
 *
 * <p>Receipts (✓✓) are authenticated too: {@link #receiptTag} is an HMAC-SHA256 under
 * {@code HKDF(session key, "qstcs/1 receipt " + sender + ">" + recipient)}, so only the holder of
 * the pair key can confirm that a message was decrypted; a relay can drop receipts but not forge them.
 *
 * <p>Thread-safe. {@link #destroy()} wipes the session key this object holds; derived direction
 * keys live in {@code SecretKeySpec}s and the JDK's cipher state, which the JDK cannot wipe, so
 * they are dropped and left to the garbage collector.
 */
public final class FrameSealer implements Destroyable {

    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    /** Largest message; its frame (hex doubles it) stays well inside the relay's 64 KiB limit. */
    public static final int MAX_PLAINTEXT_BYTES = 16 * 1024;
    /** Derived keys kept: a pair key needs two directions (and their receipt keys), a group key one per sender. */
    private static final int MAX_CACHED_KEYS = 64;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final String RECEIPT_INFO_PREFIX = Hkdf.DIRECTION_INFO_PREFIX + "receipt ";
    private static final String RECEIPT_VERSION = "qstcs/1 receipt";
    /**
     * GCM ciphers per thread, one for sealing and one for opening: {@code Cipher.getInstance}
     * costs several microseconds, more than sealing a chat message, and keeping the two modes
     * apart avoids rebuilding the mode's engine on every switch. Every use starts with
     * {@code init} (key and nonce), so no state carries over between frames.
     */
    private static final ThreadLocal<Cipher> SEALING = ThreadLocal.withInitial(FrameSealer::newCipher);
    private static final ThreadLocal<Cipher> OPENING = ThreadLocal.withInitial(FrameSealer::newCipher);
    private static final ThreadLocal<Mac> RECEIPT_MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
        }
    });

    private final String keyId;
    private final SecretBytes sessionKey;
    private final SecureRandom random;
    private final Map<String, SecretKeySpec> derivedKeys = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecretKeySpec> eldest) {
            return size() > MAX_CACHED_KEYS;
        }
    };
    private volatile boolean destroyed;

    /** A sealer for {@code keyId} with the platform's default {@link SecureRandom}. */
    public FrameSealer(String keyId, SecretBytes sessionKey) {
        this(keyId, sessionKey, new SecureRandom());
    }

    public FrameSealer(String keyId, SecretBytes sessionKey, SecureRandom random) {
        HeaderFields.requireTokenId("key_id", keyId);
        Objects.requireNonNull(sessionKey, "sessionKey");
        if (sessionKey.size() != KeyLength.BYTES) {
            throw new IllegalArgumentException("session key must be " + KeyLength.BYTES + " bytes, got " + sessionKey.size());
        }
        this.keyId = keyId;
        byte[] raw = sessionKey.toByteArray();
        this.sessionKey = SecretBytes.copyOf(raw);
        Arrays.fill(raw, (byte) 0);
        this.random = Objects.requireNonNull(random, "random");
    }

    public String keyId() {
        return keyId;
    }

    /**
     * Seals {@code plaintext} (at most {@value #MAX_PLAINTEXT_BYTES} bytes) from {@code sender} to
     * {@code recipient}. The caller picks {@code seq} (one counter per key and sender, e.g. from
     * {@link KeyUsage#nextSeq()}) and {@code timestamp} (Unix seconds).
     *
     * @throws MalformedFrameException a header value breaks its rule or the message is too long
     */
    public SealedFrame seal(String id, String sender, String recipient, long seq, long timestamp, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (plaintext.length > MAX_PLAINTEXT_BYTES) {
            throw new MalformedFrameException("message is " + plaintext.length + " bytes; at most "
                    + MAX_PLAINTEXT_BYTES + " fit in one frame");
        }
        HeaderFields.requireTokenId("id", id);
        HeaderFields.requireNonNegative("seq", seq);
        HeaderFields.requireNonNegative("timestamp", timestamp);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher c = SEALING.get();
            c.init(Cipher.ENCRYPT_MODE, directionKey(sender, recipient), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(FrameAad.of(id, sender, recipient, keyId, seq, timestamp));
            sealed = c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM sealing failed", e);
        }
        HexFormat hex = HexFormat.of();
        return new SealedFrame(id, sender, recipient, keyId, seq, timestamp, hex.formatHex(nonce), hex.formatHex(sealed));
    }

    /**
     * Authenticates and decrypts a frame sealed under this key. A frame for another key_id, from
     * a wrong key, or with any edited header, nonce or ciphertext byte is rejected the same way.
     * Opening does not check replays; see {@link ReplayWindow}.
     */
    public byte[] open(SealedFrame frame) throws FrameRejectedException {
        Objects.requireNonNull(frame, "frame");
        if (!keyId.equals(frame.keyId())) {
            throw new FrameRejectedException();
        }
        try {
            Cipher c = OPENING.get();
            c.init(Cipher.DECRYPT_MODE, directionKey(frame.sender(), frame.recipient()),
                    new GCMParameterSpec(TAG_BYTES * 8, frame.nonceBytes()));
            c.updateAAD(FrameAad.of(frame));
            return c.doFinal(frame.ciphertextBytes());
        } catch (GeneralSecurityException e) {
            // Deliberately no cause and no detail: every failure must look alike to a prober.
            throw new FrameRejectedException();
        }
    }

    /**
     * The tag of a receipt from {@code sender} (who decrypted frame {@code id}) to {@code recipient}
     * (who sent it): 64 lower-case hex characters, HMAC-SHA256 over the canonical encoding of
     * {@code "qstcs/1 receipt", id, sender, recipient, key_id}. Device ids contain no spaces, so
     * the receipt key's info string never equals a direction key's.
     */
    public String receiptTag(String id, String sender, String recipient) {
        HeaderFields.requireTokenId("id", id);
        return LowerHex.encode(receiptMac(id, sender, recipient));
    }

    /** The receipt frame {@code sender} sends after decrypting frame {@code id} from {@code recipient}. */
    public Receipt receipt(String id, String sender, String recipient) {
        return new Receipt(id, sender, recipient, keyId, receiptTag(id, sender, recipient));
    }

    /** Whether {@code r} was made with this sealer's key (constant-time; false for another key_id). */
    public boolean receiptValid(Receipt r) {
        return keyId.equals(r.keyId()) && receiptValid(r.id(), r.sender(), r.recipient(), r.mac());
    }

    /**
     * Whether {@code tag} is the {@link #receiptTag} of this receipt (constant-time comparison).
     * False, never an exception, for malformed input or after {@link #destroy()}.
     */
    public boolean receiptValid(String id, String sender, String recipient, String tag) {
        if (destroyed || tag == null || tag.length() != 2 * KeyLength.BYTES) {
            return false;
        }
        try {
            HeaderFields.requireTokenId("id", id);
            return MessageDigest.isEqual(receiptMac(id, sender, recipient), LowerHex.decode(tag));
        } catch (IllegalArgumentException e) {
            return false; // a malformed id, device id or tag is simply not a valid receipt
        }
    }

    private byte[] receiptMac(String id, String sender, String recipient) {
        HeaderFields.requireDeviceId("sender", sender);
        HeaderFields.requireDeviceId("recipient", recipient);
        // Device ids contain no spaces, so this cache entry never meets a direction key's.
        SecretKeySpec key = derivedKey("receipt " + sender + ">" + recipient, "HmacSHA256", () -> Hkdf.derive(
                sessionKey, null, (RECEIPT_INFO_PREFIX + sender + ">" + recipient).getBytes(StandardCharsets.UTF_8),
                KeyLength.BYTES));
        try {
            Mac mac = RECEIPT_MAC.get();
            mac.init(key);
            return mac.doFinal(new CanonicalEncoding(64 + id.length() + sender.length() + recipient.length() + keyId.length())
                    .string(RECEIPT_VERSION).string(id).string(sender).string(recipient).string(keyId).toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 receipt tag failed", e);
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
        sessionKey.destroy();
        synchronized (derivedKeys) {
            // SecretKeySpec cannot be wiped (the JDK refuses destroy()); dropping the references is
            // the best this layer can do for the derived copies.
            derivedKeys.clear();
        }
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "FrameSealer[key_id=" + keyId + (destroyed ? ", destroyed]" : "]");
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            // AES-GCM is mandatory in every JDK; reaching this is a broken runtime, not bad input.
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        }
    }

    private SecretKeySpec directionKey(String sender, String recipient) {
        return derivedKey(sender + ">" + recipient, "AES", () -> Hkdf.directionKey(sessionKey, sender, recipient));
    }

    /** A key derived from the session key once and kept (see {@link #MAX_CACHED_KEYS}). */
    private SecretKeySpec derivedKey(String name, String algorithm, Supplier<SecretBytes> derive) {
        synchronized (derivedKeys) {
            if (destroyed) {
                throw new IllegalStateException("sealer for key_id " + keyId + " was destroyed");
            }
            SecretKeySpec k = derivedKeys.get(name);
            if (k == null) {
                SecretBytes derived = derive.get();
                byte[] raw = derived.toByteArray();
                k = new SecretKeySpec(raw, algorithm);
                Arrays.fill(raw, (byte) 0);
                derived.destroy();
                derivedKeys.put(name, k);
            }
            return k;
        }
    }
}
