package qstcs.kms.identity;

import java.util.Optional;

/**
 * What the access policy granted a request: its route class and who it comes from, as far as
 * the policy could establish it.
 *
 * @param deviceId the device the credential belongs to (device tokens only)
 * @param actor    short label for the audit log, e.g. {@code operator@127.0.0.1}
 */
public record AccessGrant(RouteClass routeClass, Optional<String> deviceId, String actor) {
}
