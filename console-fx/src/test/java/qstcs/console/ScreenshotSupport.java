package qstcs.console;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

/** What the console's screenshot tools share: FX-thread calls, waiting for a state, writing a PNG. */
final class ScreenshotSupport {
    private ScreenshotSupport() {
    }

    interface FxCall<T> {
        T call() throws Exception;
    }

    static void snapshot(Stage stage, Path file) throws Exception {
        fx(() -> {
            ImageIO.write(SwingFXUtils.fromFXImage(stage.getScene().snapshot(null), null), "png", file.toFile());
            return null;
        });
        System.out.println("wrote " + file.toAbsolutePath());
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not reached for the screenshot");
            }
            Thread.sleep(100);
        }
    }

    static <T> T fx(FxCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
