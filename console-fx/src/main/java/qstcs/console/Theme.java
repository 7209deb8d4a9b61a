package qstcs.console;

import eu.hansolo.tilesfx.fonts.Fonts;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Dialog;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/**
 * The console's one theme: one stylesheet ({@code console.css}), one font family (Lato, which the
 * tiles embed), dark dialogs, and Ctrl +/−/0 zoom of all CSS-sized text. Every window and dialog
 * of the console goes through here so none of them falls back to the light default look.
 */
public final class Theme {
    static final String STYLESHEET = Theme.class.getResource("console.css").toExternalForm();
    static final String FONT_FAMILY = "Lato";
    static final double BASE_FONT_PX = 13;
    static final double MIN_ZOOM = 0.7;
    static final double MAX_ZOOM = 1.8;
    private static final String ZOOM_KEY = "qstcs.zoom";

    private Theme() {
    }

    /** Registers the font family with JavaFX (the tiles load it lazily), so CSS can name it from the start. */
    static void loadFonts() {
        Fonts.latoRegular(BASE_FONT_PX);
        Fonts.latoBold(BASE_FONT_PX);
    }

    /** The dark theme on a scene's root, with Ctrl +, Ctrl − and Ctrl 0 zooming its text. */
    public static void apply(Scene scene) {
        loadFonts();
        style(scene.getRoot());
        KeyCombination.Modifier shortcut = KeyCombination.SHORTCUT_DOWN;
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PLUS, shortcut), () -> zoom(scene, 1.1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.EQUALS, shortcut), () -> zoom(scene, 1.1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ADD, shortcut), () -> zoom(scene, 1.1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.MINUS, shortcut), () -> zoom(scene, 1 / 1.1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.SUBTRACT, shortcut), () -> zoom(scene, 1 / 1.1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT0, shortcut), () -> setZoom(scene, 1));
    }

    /** A dialog in the console's dark theme (its pane gets the stylesheet and the root style class). */
    public static void apply(Dialog<?> dialog) {
        loadFonts();
        style(dialog.getDialogPane());
        dialog.getDialogPane().getStyleClass().add("console-dialog");
    }

    private static void style(Parent root) {
        if (!root.getStylesheets().contains(STYLESHEET)) {
            root.getStylesheets().add(STYLESHEET);
        }
        if (!root.getStyleClass().contains("console")) {
            root.getStyleClass().add("console");
        }
    }

    static double zoom(Scene scene) {
        Object z = scene.getRoot().getProperties().get(ZOOM_KEY);
        return z instanceof Double d ? d : 1.0;
    }

    static void zoom(Scene scene, double factor) {
        setZoom(scene, zoom(scene) * factor);
    }

    /** Text sizes in the stylesheet are in em of the root's font size, so one number scales them all. */
    static void setZoom(Scene scene, double zoom) {
        double z = Math.clamp(zoom, MIN_ZOOM, MAX_ZOOM);
        scene.getRoot().getProperties().put(ZOOM_KEY, z);
        scene.getRoot().setStyle(String.format(java.util.Locale.ROOT, "-fx-font-size: %.1fpx;", BASE_FONT_PX * z));
    }
}
