package qstcs.fx;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;

/**
 * {@code java qstcs.fx.ScreenProbe}: prints the demo layout that suits the primary screen
 * ({@code windows} or {@code presenter}) and its visual bounds, for the launcher to choose how
 * many windows to open before it opens any.
 */
public final class ScreenProbe {
    private ScreenProbe() {
    }

    public static void main(String[] args) throws Exception {
        CompletableFuture<Rectangle2D> bounds = new CompletableFuture<>();
        Platform.startup(() -> bounds.complete(Screen.getPrimary().getVisualBounds()));
        Rectangle2D v = bounds.get();
        System.out.printf(Locale.ROOT, "%s %.0f %.0f%n", DemoLayout.choose(v).name().toLowerCase(Locale.ROOT), v.getWidth(), v.getHeight());
        Platform.exit();
        System.exit(0);
    }
}
