package qstcs.kms.identity;

import java.util.Objects;

import qstcs.server.auth.Role;

/**
 * An authenticated caller: its role and, for a device, its device id (for service roles the
 * name is the role's own, e.g. {@code operator}).
 *
 * @param role what the caller may do
 * @param name the device id, or the service's name
 */
public record Caller(Role role, String name) {

    public Caller {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(name, "name");
    }

    public static Caller device(String deviceId) {
        return new Caller(Role.DEVICE, deviceId);
    }

    public static Caller service(Role role) {
        return new Caller(role, role.name().toLowerCase(java.util.Locale.ROOT));
    }
}
