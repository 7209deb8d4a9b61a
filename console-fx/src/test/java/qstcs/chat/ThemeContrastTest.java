package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every text colour of both palettes in chat.css against the background it is drawn on: at least
 * WCAG AA (4.5 : 1), so ticks, times and names stay readable on a projector.
 */
class ThemeContrastTest {

    /** (text variable, background variable): the pairs the stylesheet actually draws. */
    private static final String[][] PAIRS = {
            {"-qs-ink", "-qs-paper"}, {"-qs-ink", "-qs-surface"}, {"-qs-muted", "-qs-surface"},
            {"-qs-muted", "-qs-paper"}, {"-qs-ink", "-qs-field"}, {"-qs-muted", "-qs-field"},
            {"-qs-on-accent", "-qs-bubble-out"}, {"-qs-out-meta", "-qs-bubble-out"}, {"-qs-on-accent", "-qs-accent"},
            {"-qs-side-ink", "-qs-sidebar"}, {"-qs-side-muted", "-qs-sidebar"}, {"-qs-side-ink", "-qs-side-selected"},
            {"-qs-side-muted", "-qs-sidebar-2"}, {"-qs-notice-ink", "-qs-notice-bg"}, {"-qs-error-ink", "-qs-error-bg"},
            {"-qs-badge-ink", "-qs-badge-bg"}, {"-qs-trust-ink", "-qs-trust-bg"}, {"-qs-warn-ink", "-qs-warn-bg"},
            {"-qs-ink", "-qs-line"}, {"-qs-ink", "-qs-selection"}, {"-qs-on-accent", "-qs-selection-out"}};

    @Test
    void bothThemesMeetWcagAa() throws IOException {
        String css;
        try (InputStream in = ChatWindow.class.getResourceAsStream(ChatWindow.STYLESHEET)) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> common = block(css, ".chat-root {");
        List<String> failures = new ArrayList<>();
        for (ChatTheme theme : ChatTheme.values()) {
            Map<String, String> palette = new HashMap<>(common);
            palette.putAll(block(css, ".chat-root." + theme.styleClass() + " {"));
            for (String[] p : PAIRS) {
                double ratio = contrast(colour(palette, p[0]), colour(palette, p[1]));
                if (ratio < 4.5) {
                    failures.add(theme + " " + p[0] + " on " + p[1] + ": " + String.format("%.2f", ratio));
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void ticksAreLargerThanTheText() throws IOException {
        String css;
        try (InputStream in = ChatWindow.class.getResourceAsStream(ChatWindow.STYLESHEET)) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("\\.ticks \\{[^}]*-fx-font-size: ([0-9.]+)em").matcher(css);
        assertTrue(m.find(), "the ticks have their own size");
        assertTrue(Double.parseDouble(m.group(1)) >= 1.25, "ticks at least 1.25 × the text: " + m.group(1));
    }

    private static Map<String, String> block(String css, String selector) {
        int start = css.indexOf(selector);
        assertTrue(start >= 0, selector);
        String body = css.substring(start + selector.length(), css.indexOf('}', start));
        Map<String, String> vars = new HashMap<>();
        Matcher m = Pattern.compile("(-qs-[a-z0-9-]+):\\s*(#[0-9a-fA-F]{6})\\s*;").matcher(body);
        while (m.find()) {
            vars.put(m.group(1), m.group(2));
        }
        return vars;
    }

    private static String colour(Map<String, String> palette, String name) {
        String c = palette.get(name);
        assertTrue(c != null, name + " is defined as a #rrggbb colour");
        return c;
    }

    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        double[] c = {(rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0};
        for (int i = 0; i < 3; i++) {
            c[i] = c[i] <= 0.03928 ? c[i] / 12.92 : Math.pow((c[i] + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
}
