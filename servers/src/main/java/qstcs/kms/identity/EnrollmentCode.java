package qstcs.kms.identity;

import java.time.Instant;

/**
 * A one-time enrollment code just created for a device. The code is shown once (to the operator,
 * inside the enrollment string); the KMS keeps only its hash.
 *
 * @param deviceId the device it enrolls
 * @param code the code itself (never printed by {@link #toString()})
 * @param expiresAt when it stops working
 */
public record EnrollmentCode(String deviceId, String code, Instant expiresAt) {
    @Override
    public String toString() {
        return "EnrollmentCode[" + deviceId + ", expires " + expiresAt + ", code=(hidden)]";
    }
}
