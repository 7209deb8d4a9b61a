package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import org.junit.jupiter.api.Test;

/** The enrollment QR code decodes back to the exact enrollment string (ZXing's own reader). */
class QrCodeTest {

    @Test
    void enrollmentStringSurvivesTheRoundTrip() throws Exception {
        String uri = "qstcs://192.168.1.20:8443/?device=Soldier_Charlie&code=K7QX2M9RTB4WZP3H&ca=sha256:"
                + "ab".repeat(32) + "&relay=wss%3A%2F%2F192.168.1.20%3A8765";
        BitMatrix m = QrCode.matrix(uri);
        int scale = 3;
        int w = m.getWidth() * scale;
        int h = m.getHeight() * scale;
        int[] pixels = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixels[y * w + x] = m.get(x / scale, y / scale) ? 0xFF000000 : 0xFFFFFFFF;
            }
        }
        var decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, pixels))));
        assertEquals(uri, decoded.getText());
    }
}
