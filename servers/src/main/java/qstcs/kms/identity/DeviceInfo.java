package qstcs.kms.identity;

import java.time.Instant;
import java.util.Optional;

/**
 * What the operator sees about an enrolled device (never its token or the token's hash).
 *
 * @param deviceId the device id
 * @param enrolledAt when its current token was issued
 * @param revokedAt when it was revoked, if it was
 */
public record DeviceInfo(String deviceId, Instant enrolledAt, Optional<Instant> revokedAt) {
    public boolean active() {
        return revokedAt.isEmpty();
    }
}
