package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.LiveServers;

/**
 * Two real chat windows (Soldier_Alpha, Soldier_Bravo) over the real KMS and relay, photographed
 * for the README: mid-conversation ({@code chat-conversation.png}) and during a forced attack with a
 * held message ({@code chat-compromised.png}), and with part of a message selected in the dark and
 * the light palette ({@code chat-selection-dark.png}, {@code chat-selection-light.png}). A tool, not a check: it runs only when asked, and
 * writes to the directory in {@code -Dqstcs.screenshots=DIR} (the README's images:
 * {@code mvn -pl console-fx test -Dtest=ChatScreenshotIT -Dqstcs.screenshots=$PWD/assets}).
 */
@EnabledIfSystemProperty(named = "qstcs.screenshots", matches = ".+",
        disabledReason = "a tool for the README's images: run with -Dqstcs.screenshots=DIR")
@ExtendWith(ApplicationExtension.class)
class ChatScreenshotIT {
    private ChatWindow alpha;
    private ChatWindow bravo;
    private static LiveServers servers;

    @BeforeAll
    static void servers() {
        servers = LiveServers.shared();
    }

    @Start
    void start(Stage stage) {
        alpha = new ChatWindow(options("Soldier_Alpha", "Soldier_Bravo"));
        alpha.show(stage);
        Stage second = new Stage();
        bravo = new ChatWindow(options("Soldier_Bravo", "Soldier_Alpha"));
        bravo.show(second);
    }

    private ChatOptions options(String me, String peer) {
        return ChatOptions.parse("--device", me, "--peer", peer, "--home", servers.homeWith(me).toString());
    }

    @AfterEach
    void stop() {
        alpha.model().leave();
        bravo.model().leave();
    }

    @Test
    void twoSoldiersMidConversation(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> alpha.model().connectionProperty().get() == ConnectionState.ONLINE
                && bravo.model().connectionProperty().get() == ConnectionState.ONLINE);
        List<String[]> script = List.of(
                new String[] {"A", "Bravo, this is Alpha. Radio check, over."},
                new String[] {"B", "Alpha, Bravo. Loud and clear. Holding at checkpoint 3."},
                new String[] {"A", "Copy. Convoy moves at 14:30, route blue."},
                new String[] {"B", "Roger, route blue at 14:30. Link is green on my side."},
                new String[] {"A", "Good. Keep chatter short — see you at the rendezvous."});
        int n = 0;
        for (String[] line : script) {
            ChatWindow from = line[0].equals("A") ? alpha : bravo;
            robot.interact(() -> from.model().send(line[1]));
            n++;
            int expected = n;
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> count(alpha) == expected && count(bravo) == expected);
            Thread.sleep(150);
        }
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> allDelivered(alpha) && allDelivered(bravo));
        Thread.sleep(300);
        WaitForAsyncUtils.waitForFxEvents();
        BufferedImage[] shots = new BufferedImage[2];
        robot.interact(() -> {
            shots[0] = snapshot(alpha);
            shots[1] = snapshot(bravo);
        });
        Path dir = Path.of(System.getProperty("qstcs.screenshots"));
        Files.createDirectories(dir);
        ImageIO.write(sideBySide(shots, TITLES), "png", dir.resolve("chat-conversation.png").toFile());
        assertEquals(script.size(), count(alpha));

        // Part of a message selected with the mouse (received on the right, sent on the left), in both palettes.
        robot.interact(() -> {
            for (ChatWindow w : new ChatWindow[] {alpha, bravo}) {
                SelectableText line = w.scene().getRoot().lookupAll(".bubble-text").stream().map(SelectableText.class::cast)
                        .filter(t -> t.getText().startsWith("Copy. Convoy")).findFirst().orElseThrow();
                int from = line.getText().indexOf(w == alpha ? "route" : "14:30");
                line.select(from, line.getText().indexOf('.', from + 5));
            }
        });
        for (ChatTheme theme : ChatTheme.values()) {
            robot.interact(() -> {
                alpha.setTheme(theme);
                bravo.setTheme(theme);
            });
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> {
                shots[0] = snapshot(alpha);
                shots[1] = snapshot(bravo);
            });
            ImageIO.write(sideBySide(shots, TITLES), "png",
                    dir.resolve("chat-selection-" + theme.name().toLowerCase(java.util.Locale.ROOT) + ".png").toFile());
        }
        robot.interact(() -> {
            alpha.setTheme(ChatTheme.DARK);
            bravo.setTheme(ChatTheme.DARK);
            for (ChatWindow w : new ChatWindow[] {alpha, bravo}) {
                w.scene().getRoot().lookupAll(".bubble-text").forEach(t -> ((SelectableText) t).clearSelection());
            }
        });

        // Act 2 as the soldiers see it: the red banner, and what they type meanwhile is held.
        servers.forceAttack();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> alpha.model().compromisedProperty().get()
                && bravo.model().compromisedProperty().get());
        robot.interact(() -> alpha.model().send("Bravo, do you read? Switching to fallback."));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> count(alpha) == script.size() + 1
                && alpha.model().selectedProperty().get().messages().getLast().delivery() == DeliveryState.HELD);
        Thread.sleep(300);
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            shots[0] = snapshot(alpha);
            shots[1] = snapshot(bravo);
        });
        ImageIO.write(sideBySide(shots, TITLES), "png", dir.resolve("chat-compromised.png").toFile());
        servers.reset();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> count(bravo) == script.size() + 1);
    }

    private static final String[] TITLES = {"Soldier_Alpha", "Soldier_Bravo"};

    private static int count(ChatWindow w) {
        Contact c = w.model().selectedProperty().get();
        return c == null ? 0 : c.messages().size();
    }

    private static boolean allDelivered(ChatWindow w) {
        return w.model().selectedProperty().get().messages().stream()
                .allMatch(m -> !m.outgoing() || m.delivery() == DeliveryState.DELIVERED);
    }

    static BufferedImage snapshot(ChatWindow w) {
        WritableImage image = w.scene().getRoot().snapshot(null, null);
        return SwingFXUtils.fromFXImage(image, null);
    }

    /** The two windows on a desktop-like backdrop, each with a title bar naming its device. */
    static BufferedImage sideBySide(BufferedImage[] shots, String[] titles) {
        int pad = 28;
        int bar = 30;
        int w = shots[0].getWidth();
        int h = shots[0].getHeight();
        BufferedImage out = new BufferedImage(pad * 3 + w * 2, pad * 2 + bar + h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(0x1e293b), out.getWidth(), out.getHeight(), new Color(0x334155)));
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < 2; i++) {
            int x = pad + i * (w + pad);
            g.setColor(new Color(0, 0, 0, 90));
            g.fill(new RoundRectangle2D.Double(x + 4, pad + 6, w, h + bar, 14, 14));
            g.setColor(new Color(0xe2e8f0));
            g.fill(new RoundRectangle2D.Double(x, pad, w, bar + 12, 12, 12));
            g.setColor(new Color(0x0f172a));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString("QSTCS Secure Chat — " + titles[i], x + 14, pad + 20);
            for (int d = 0; d < 3; d++) {
                g.setColor(new Color[] {new Color(0xef4444), new Color(0xf59e0b), new Color(0x22c55e)}[d]);
                g.fillOval(x + w - 66 + d * 20, pad + 9, 12, 12);
            }
            g.drawImage(shots[i], x, pad + bar, null);
            g.setColor(new Color(0x94a3b8));
            g.setStroke(new BasicStroke(1));
            g.drawRect(x, pad + bar, w - 1, h - 1);
        }
        g.dispose();
        return out;
    }
}
