package qstcs.crypto.identity;

/**
 * The KMS routes and JSON field names for identity keys and the device directory, shared by the
 * KMS that serves them and the client that calls them. All three take a device token (TLS).
 * <ul>
 *   <li>{@code PUT /devices/me/identity_key {"algorithm":"ML-DSA-65","public_key":"<base64 X.509>"}}
 *       publishes the caller's public key;</li>
 *   <li>{@code GET /devices/{id}/identity_key} answers a device's published key (404 when it has none);</li>
 *   <li>{@code GET /devices} lists active enrolled devices: ids and key fingerprints, nothing secret.</li>
 * </ul>
 * Both identity-key answers have the shape
 * {@code {"device_id","algorithm","public_key","fingerprint","published_at"}}.
 */
public final class IdentityRoutes {

    public static final String DIRECTORY = "/devices";
    public static final String OWN_KEY = "/devices/me/identity_key";
    /** Path template; {@code me} is not a device id a peer can have, since own and peer routes share the prefix. */
    public static final String PEER_KEY = "/devices/{id}/identity_key";

    public static final String DEVICES = "devices";
    public static final String DEVICE_ID = "device_id";
    public static final String ALGORITHM = "algorithm";
    public static final String PUBLIC_KEY = "public_key";
    public static final String FINGERPRINT = "fingerprint";
    public static final String PUBLISHED_AT = "published_at";
    /** In a directory entry: the fingerprint of the device's published key, null when it published none. */
    public static final String IDENTITY_KEY_FINGERPRINT = "identity_key_fingerprint";

    private IdentityRoutes() {
    }

    /** The path of {@code deviceId}'s key (the id is already checked against the device-id rule). */
    public static String peerKeyPath(String deviceId) {
        return PEER_KEY.replace("{id}", deviceId);
    }
}
