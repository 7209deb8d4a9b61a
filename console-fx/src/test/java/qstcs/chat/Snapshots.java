package qstcs.chat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/** Writes a PNG of a scene graph (on the FX thread) so a person can look at what a test saw. */
final class Snapshots {
    private Snapshots() {
    }

    static Path write(Node node, String name) {
        WritableImage image = node.snapshot(null, null);
        BufferedImage png = SwingFXUtils.fromFXImage(image, null);
        Path out = Path.of("target", "snapshots", name + ".png");
        try {
            Files.createDirectories(out.getParent());
            ImageIO.write(png, "png", out.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + out, e);
        }
        return out;
    }
}
