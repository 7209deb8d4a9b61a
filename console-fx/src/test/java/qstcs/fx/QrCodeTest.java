package qstcs.fx;

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

    /** The console's enrollment QR, small, somewhere in a larger dark "screen capture", read from a PNG file. */
    @Test
    void enrollmentCodeIsFoundInAScreenCaptureFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String uri = "qstcs://10.0.0.5:8443/?device=Soldier_Delta&code=ABCD2345EFGH6789&ca=sha256:" + "cd".repeat(32);
        BitMatrix m = QrCode.matrix(uri);
        java.awt.image.BufferedImage screen = new java.awt.image.BufferedImage(1280, 800, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = screen.createGraphics();
        g.setColor(new java.awt.Color(0x0b1220));
        g.fillRect(0, 0, 1280, 800);
        g.setColor(java.awt.Color.LIGHT_GRAY);
        g.drawString("QSTCS SOC console — enroll Soldier_Delta", 40, 40);
        int scale = 4;
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                g.setColor(m.get(x, y) ? java.awt.Color.BLACK : java.awt.Color.WHITE);
                g.fillRect(700 + x * scale, 300 + y * scale, scale, scale);
            }
        }
        g.dispose();
        java.nio.file.Path png = dir.resolve("screen.png");
        javax.imageio.ImageIO.write(screen, "png", png.toFile());
        assertEquals(java.util.Optional.of(uri), QrCode.decode(png));
        java.nio.file.Path blank = dir.resolve("blank.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(50, 50, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", blank.toFile());
        assertEquals(java.util.Optional.empty(), QrCode.decode(blank));
        java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("x.png"), "not an image");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> QrCode.decode(text));
    }
}
