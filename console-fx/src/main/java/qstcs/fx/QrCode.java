package qstcs.fx;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.ReaderException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/**
 * QR codes (ZXing) drawn by the console (enrollment strings) and the chat (safety numbers), and
 * read back by the chat from an image file, a screen capture or the clipboard, so a soldier
 * never types the ~170 characters of an enrollment string. Medium error correction keeps a
 * code readable from a screen photographed at an angle.
 */
public final class QrCode {

    private static final int QUIET_ZONE_MODULES = 2;

    private QrCode() {
    }

    /** The module matrix of {@code text} (one bit per module, with a quiet zone). */
    public static BitMatrix matrix(String text) {
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                    EncodeHintType.MARGIN, QUIET_ZONE_MODULES,
                    EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("this text does not fit in a QR code (" + text.length() + " characters)", e);
        }
    }

    /** A black-on-white image of {@code text}, each module {@code scale} pixels wide. */
    public static WritableImage image(String text, int scale) {
        BitMatrix m = matrix(text);
        WritableImage image = new WritableImage(m.getWidth() * scale, m.getHeight() * scale);
        PixelWriter w = image.getPixelWriter();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                Color c = m.get(x, y) ? Color.BLACK : Color.WHITE;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        w.setColor(x * scale + dx, y * scale + dy, c);
                    }
                }
            }
        }
        return image;
    }

    /** The text of a QR code anywhere in {@code image} (a photo, a screen capture), if one is found. */
    public static Optional<String> decode(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        return decode(new RGBLuminanceSource(w, h, argb));
    }

    /** The same for a JavaFX image (e.g. from the clipboard). */
    public static Optional<String> decode(Image image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        PixelReader r = image.getPixelReader();
        if (r == null || w == 0 || h == 0) {
            return Optional.empty();
        }
        int[] argb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                argb[y * w + x] = r.getArgb(x, y);
            }
        }
        return decode(new RGBLuminanceSource(w, h, argb));
    }

    /**
     * Reads a QR code from an image file (PNG, JPEG, GIF, BMP).
     *
     * @throws IOException the file cannot be read or is not an image
     */
    public static Optional<String> decode(Path file) throws IOException {
        BufferedImage image = javax.imageio.ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file.getFileName() + " is not an image this computer can read (PNG, JPEG, GIF or BMP)");
        }
        return decode(image);
    }

    private static Optional<String> decode(LuminanceSource source) {
        Map<DecodeHintType, Object> hints = Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE);
        for (LuminanceSource s : new LuminanceSource[] {source, source.invert()}) {
            try {
                return Optional.of(new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(s)), hints).getText());
            } catch (NotFoundException e) {
                // try the inverted image: a light code on a dark screen
            } catch (ReaderException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
