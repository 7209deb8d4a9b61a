package qstcs.kms.etsi014;

import java.util.regex.Pattern;

/**
 * The SAE and KME id rule: the system's one device-id rule, so an SAE id is also a valid
 * certificate CN, file name and device id.
 */
public final class SaeIds {
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    public static final String RULE = "1-64 characters of A-Z a-z 0-9 _ . - starting with a letter or digit";

    private SaeIds() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String require(String what, String id) {
        if (!valid(id)) {
            throw new IllegalArgumentException(what + " must be " + RULE);
        }
        return id;
    }
}
