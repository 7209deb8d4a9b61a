package qstcs.crypto.keys;

/**
 * The length of every symmetric key in QSTCS: the pair key the KMS cuts from the QKD pool, the
 * AES-256-GCM direction keys, the receipt and transcript MAC keys, and every HKDF output. One
 * length, because each of these keys is derived from or stands in for the 256-bit pair key.
 */
public final class KeyLength {

    /** 256 bits. */
    public static final int BYTES = 32;
    public static final int BITS = BYTES * 8;
    /** A key as lower-case hex, the form the KMS hands out ({@code key_hex}). */
    public static final int HEX_CHARS = BYTES * 2;

    private KeyLength() {
    }
}
