package qstcs.crypto.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import qstcs.crypto.wire.CanonicalEncoding;
import qstcs.crypto.wire.DeviceId;

/**
 * The number two soldiers compare in person to verify each other: 60 decimal digits in twelve
 * groups of five, derived from both device ids and both identity keys. The two (id, key) pairs
 * are put in device-id order first, so both sides compute the same number; any change of either
 * key changes it. Each half is 30 digits of an iterated SHA-512 over one side's (id, key), as
 * Signal's safety numbers are built, so a forger must match a 100-bit digest per side.
 *
 * <p>{@link #qrPayload()} carries the same two fingerprints for a scan instead of reading digits.
 */
public final class SafetyNumber {

    private static final int ITERATIONS = 5200;
    private static final String QR_PREFIX = "qstcs-verify:1:";

    private final String digits;
    private final String qrPayload;

    private SafetyNumber(String digits, String qrPayload) {
        this.digits = digits;
        this.qrPayload = qrPayload;
    }

    /** The safety number of two devices; the argument order does not matter. */
    public static SafetyNumber of(String deviceA, IdentityKey keyA, String deviceB, IdentityKey keyB) {
        DeviceId.of(deviceA);
        DeviceId.of(deviceB);
        Objects.requireNonNull(keyA, "keyA");
        Objects.requireNonNull(keyB, "keyB");
        if (deviceA.equals(deviceB)) {
            throw new IllegalArgumentException("a safety number is between two different devices, got " + deviceA + " twice");
        }
        boolean aFirst = deviceA.compareTo(deviceB) < 0;
        String firstId = aFirst ? deviceA : deviceB;
        String secondId = aFirst ? deviceB : deviceA;
        IdentityKey first = aFirst ? keyA : keyB;
        IdentityKey second = aFirst ? keyB : keyA;
        String digits = half(firstId, first) + half(secondId, second);
        String qr = QR_PREFIX + firstId + ":" + first.fingerprint() + ":" + secondId + ":" + second.fingerprint();
        return new SafetyNumber(digits, qr);
    }

    private static String half(String deviceId, IdentityKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            byte[] id = new CanonicalEncoding().string("qstcs safety number/1").string(deviceId).toByteArray();
            byte[] pub = key.encoded();
            byte[] h = new byte[0];
            for (int i = 0; i < ITERATIONS; i++) {
                sha.update(h);
                sha.update(pub);
                sha.update(id);
                h = sha.digest();
            }
            StringBuilder out = new StringBuilder(30);
            for (int chunk = 0; chunk < 6; chunk++) {
                long v = 0;
                for (int b = 0; b < 5; b++) {
                    v = (v << 8) | (h[chunk * 5 + b] & 0xff);
                }
                out.append(String.format("%05d", v % 100_000));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JDK", e);
        }
    }

    /** The 60 digits without spaces. */
    public String digits() {
        return digits;
    }

    /** The digits in twelve groups of five, four groups a line, as people read them aloud. */
    public String display() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i > 0) {
                b.append(i % 4 == 0 ? '\n' : ' ');
            }
            b.append(digits, i * 5, i * 5 + 5);
        }
        return b.toString();
    }

    /** The text of the verification QR code. */
    public String qrPayload() {
        return qrPayload;
    }

    /** Whether a scanned verification code shows the same two keys as this number. */
    public boolean matchesScan(String scanned) {
        return scanned != null && MessageDigest.isEqual(scanned.trim().getBytes(StandardCharsets.UTF_8),
                qrPayload.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetyNumber s && s.digits.equals(digits);
    }

    @Override
    public int hashCode() {
        return digits.hashCode();
    }

    @Override
    public String toString() {
        return "SafetyNumber[" + display().replace('\n', ' ') + "]";
    }
}
