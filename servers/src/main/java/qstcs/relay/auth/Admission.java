package qstcs.relay.auth;

/**
 * Decides whether a connection may register as a device id. A relay that follows a KMS checks
 * the register frame's device token with it ({@link KmsAdmission}); {@link #OPEN} admits every
 * id and serves a relay run on loopback without a KMS, and tests.
 */
@FunctionalInterface
public interface Admission {

    /** Admits every id and ignores the token. */
    Admission OPEN = (deviceId, token) -> true;

    /**
     * @param deviceId the id the connection asks for (already well-formed)
     * @param token    the register frame's token, or null; never log it
     * @return whether the connection may register as {@code deviceId}
     */
    boolean admits(String deviceId, String token);

    /**
     * Whether the bearer of {@code token} (null when none) may see which devices are online. A
     * relay without identities has nothing to protect and shows them to everyone.
     *
     * @param token the presented bearer token, or null; never log it
     */
    default boolean showsDevicesTo(String token) {
        return true;
    }
}
