package qstcs.kms.etsi014;

import java.util.regex.Pattern;

import qstcs.crypto.wire.DeviceId;

/**
 * The SAE and KME id rule: the system's one device-id rule, so an SAE id is also a valid
 * certificate CN, file name and device id (a chat device is the SAE of its own id).
 */
public final class SaeIds {
    public static final Pattern ID = DeviceId.PATTERN;
    public static final String RULE = DeviceId.RULE;

    private SaeIds() {
    }

    public static boolean valid(String id) {
        return DeviceId.isValid(id);
    }

    public static String require(String what, String id) {
        if (!valid(id)) {
            throw new IllegalArgumentException(what + " must be " + RULE);
        }
        return id;
    }
}
