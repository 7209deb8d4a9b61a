package qstcs.chat;

import javafx.scene.control.Label;

/** A round badge with a device's initials, coloured from its id so each soldier keeps one colour. */
final class Avatar extends Label {
    private static final int PALETTE = 6;

    Avatar(String deviceId) {
        getStyleClass().add("avatar");
        show(deviceId);
    }

    void show(String deviceId) {
        getStyleClass().removeIf(s -> s.startsWith("avatar-"));
        setText(initials(deviceId));
        getStyleClass().add("avatar-" + Math.floorMod(deviceId.hashCode(), PALETTE));
    }

    /** "Soldier_Alpha" → "SA"; "bravo" → "B". */
    static String initials(String id) {
        StringBuilder sb = new StringBuilder();
        for (String part : id.split("[_.\\-\\s]+")) {
            if (!part.isEmpty() && sb.length() < 2) {
                sb.append(Character.toUpperCase(part.charAt(0)));
            }
        }
        return sb.isEmpty() ? "?" : sb.toString();
    }
}
