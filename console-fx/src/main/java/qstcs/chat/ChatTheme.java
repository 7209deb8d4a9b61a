package qstcs.chat;

import java.util.Locale;

/**
 * The chat window's colours. Dark matches the SOC console (no glare beside it on a projector);
 * light suits a bright room. Both keep every text at WCAG AA contrast (4.5 : 1) against its
 * background; the palettes are the {@code -qs-*} variables of chat.css.
 */
public enum ChatTheme {
    DARK, LIGHT;

    /** The style class on the window's root that selects this theme's palette. */
    public String styleClass() {
        return "theme-" + name().toLowerCase(Locale.ROOT);
    }

    public ChatTheme other() {
        return this == DARK ? LIGHT : DARK;
    }

    static ChatTheme parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "dark" -> DARK;
            case "light" -> LIGHT;
            default -> throw new IllegalArgumentException("--theme must be dark or light, not '" + text + "'");
        };
    }
}
