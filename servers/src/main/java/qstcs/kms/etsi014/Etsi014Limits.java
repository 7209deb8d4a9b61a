package qstcs.kms.etsi014;

/**
 * What this KME promises in its status answer (Table 9 of the standard) and enforces on every
 * request. Sizes are in bits. Key material is cut from the pool in 256-bit blocks, so a key of
 * {@code size} bits uses {@code ceil(size / 256)} blocks; the remainder of the last block is wiped.
 *
 * @param kmeId           {@code source_KME_ID} (and {@code target_KME_ID}: one QSTCS KMS serves both
 *                        ends of its simulated link, so every SAE is attached to it)
 * @param keySize         the default {@code size}
 * @param minKeySize      smallest {@code size} accepted
 * @param maxKeySize      largest {@code size} accepted
 * @param maxKeyPerRequest largest {@code number} accepted
 * @param maxSaeIdCount   most {@code additional_slave_SAE_IDs} in one request (key multicast)
 */
public record Etsi014Limits(String kmeId, int keySize, int minKeySize, int maxKeySize, int maxKeyPerRequest,
                            int maxSaeIdCount) {
    /** Bits per pool block. */
    public static final int BLOCK_BITS = 256;

    public static Etsi014Limits defaults(String kmeId) {
        return new Etsi014Limits(kmeId, 256, 64, 4096, 64, 4);
    }

    public Etsi014Limits {
        SaeIds.require("kmeId", kmeId);
        if (minKeySize < 8 || minKeySize % 8 != 0 || maxKeySize < minKeySize || maxKeySize % 8 != 0
                || keySize < minKeySize || keySize > maxKeySize || keySize % 8 != 0) {
            throw new IllegalArgumentException("key sizes must be multiples of 8 with min <= default <= max, got "
                    + minKeySize + " <= " + keySize + " <= " + maxKeySize);
        }
        if (maxKeyPerRequest < 1 || maxSaeIdCount < 0) {
            throw new IllegalArgumentException("max_key_per_request must be >= 1 and max_SAE_ID_count >= 0");
        }
    }

    /** Pool blocks one key of {@code sizeBits} uses. */
    static int blocksFor(int sizeBits) {
        return (sizeBits + BLOCK_BITS - 1) / BLOCK_BITS;
    }
}
