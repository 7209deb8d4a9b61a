package qstcs.console;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/**
 * QR codes of enrollment strings (ZXing), so a soldier's device can take the string from the
 * operator's screen instead of having it typed. Medium error correction keeps the code readable
 * from a screen photographed at an angle.
 */
final class QrCode {

    private static final int QUIET_ZONE_MODULES = 2;

    private QrCode() {
    }

    /** The module matrix of {@code text} (one bit per module, with a quiet zone). */
    static BitMatrix matrix(String text) {
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
    static WritableImage image(String text, int scale) {
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
}
