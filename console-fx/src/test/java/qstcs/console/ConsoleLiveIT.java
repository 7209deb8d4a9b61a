package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.hansolo.tilesfx.Tile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.AuditEntry;
import qstcs.client.KmsOperatorClient;
import qstcs.client.KmsTrust;
import qstcs.client.OperatorToken;
import qstcs.kms.KmsServer;
import qstcs.relay.RelayServer;
import qstcs.relay.RelaySettings;

/**
 * The console against the real KMS (TLS with the pinned local CA, operator routes) and the real
 * relay, driven through its buttons headless.
 */
@ExtendWith(ApplicationExtension.class)
class ConsoleLiveIT {
    private static KmsServer kms;
    private static RelayServer relay;
    private ConsoleModel model;
    private ConsoleView view;
    /** Non-daemon threads alive before this test's console started (other tests' leftovers). */
    private java.util.Set<Thread> threadsBefore;

    @BeforeAll
    static void servers() {
        kms = KmsServer.startOnLoopback(KmsServer.tempHome("qstcs-console-test"), "--round-ms", "300");
        relay = RelayServer.start(RelaySettings.loopbackForTests().withKms(URI.create(kms.plainUrl())));
    }

    @AfterAll
    static void stopServers() {
        relay.close();
        kms.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        ConsoleOptions options = ConsoleOptions.parse(List.of("--home", kms.home().toString(), "--kms", kms.tlsUrl(),
                "--relay", "ws://127.0.0.1:" + relay.port()), Map.of());
        model = ConsoleApp.createModel(options, Map.of());
        view = new ConsoleView(model, new Label("visualiser"));
        stage.setScene(new Scene(view, 1280, 800));
        // The primary stage is shared by every test class in this JVM: an earlier class (a chat
        // window) may have left it smaller and off-centre; a new scene would shrink to it, and
        // controls would lie outside the scene or the 1280x800 headless screen, where TestFX
        // cannot click them.
        stage.sizeToScene();
        stage.setX(0);
        stage.setY(0);
        stage.show();
        threadsBefore = nonDaemonThreads();
        model.start();
    }

    @Test
    void closingTheConsoleLeavesNoNonDaemonThreadBehind(FxRobot robot) throws Exception {
        await(10, () -> lamp(robot).equals("GREEN"));
        await(5, () -> view.dashboard.relayState.getText().startsWith("● CONNECTED"));
        assertFalse(newNonDaemonThreads().isEmpty(), "the live console runs HTTP threads (else this test proves nothing)");
        WaitForAsyncUtils.asyncFx(model::close).get(5, TimeUnit.SECONDS);
        // The JVM exits when the last window closes only if no non-daemon thread is left.
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> newNonDaemonThreads().isEmpty());
    }

    private java.util.List<String> newNonDaemonThreads() {
        return nonDaemonThreads().stream().filter(t -> !threadsBefore.contains(t)).map(Thread::getName).toList();
    }

    private static java.util.Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()
                && !t.getName().startsWith("JavaFX") && !t.getName().equals("main")).collect(java.util.stream.Collectors.toSet());
    }

    @AfterEach
    void resetTheLink() throws Exception {
        WaitForAsyncUtils.asyncFx(model::close).get(5, TimeUnit.SECONDS);
        // Leave the shared KMS GREEN for the next test, whatever this one did.
        new KmsOperatorClient(ConsoleApp.httpClient(KmsTrust.load(kms.home(), Map.of())),
                okhttp3.HttpUrl.get(kms.tlsUrl()), OperatorToken.load(kms.home(), Map.of())).reset();
    }

    @Test
    void startsGreenWithAboutOnePercentQber(FxRobot robot) throws Exception {
        await(10, () -> lamp(robot).equals("GREEN"));
        await(5, () -> gauge(robot) > 0);
        double qber = fx(() -> gauge(robot));
        assertTrue(qber > 0.3 && qber < 2.0, "QBER ≈ 1 % with the default channel noise, was " + qber);
        assertFalse(fx(() -> view.offlineBanner.isVisible()));
        assertTrue(fx(() -> robot.from(view).lookup("#simulatedCaption").queryAs(Label.class).getText())
                .startsWith("Simulated quantum link"));
        await(5, () -> view.dashboard.relayState.getText().startsWith("● CONNECTED · relay sees link"));
    }

    @Test
    void forceAttackTurnsTheLinkRedWithinTwoSecondsAndIsAudited(FxRobot robot) throws Exception {
        await(10, () -> lamp(robot).equals("GREEN"));
        int auditBefore = fx(() -> audit(robot).getItems().size());
        robot.clickOn("#forceAttack");
        confirm(robot, "drill 7");
        long clicked = System.nanoTime();
        await(2, () -> lamp(robot).equals("RED") && gauge(robot) > 20);
        double seconds = (System.nanoTime() - clicked) / 1e9;
        double attacked = fx(() -> gauge(robot));
        assertTrue(attacked < 30, "intercept-resend gives ≈ 25 %, was " + attacked);
        await(2, () -> audit(robot).getItems().stream().anyMatch(e -> e.type().contains("forced_attack")));
        assertTrue(fx(() -> audit(robot).getItems().size()) > auditBefore);
        assertEquals(AuditEntry.Severity.CRITICAL, fx(() -> audit(robot).getItems().stream()
                .filter(e -> e.type().contains("forced_attack")).findFirst().orElseThrow().severity()));
        AuditEntry forced = fx(() -> audit(robot).getItems().stream()
                .filter(e -> e.type().contains("forced_attack")).findFirst().orElseThrow());
        assertTrue(forced.toString().contains("drill 7"), "the operator's reason is in the audit entry: " + forced);
        assertFalse(forced.toString().contains("system"), "the operator forced it, not the system: " + forced);
        assertTrue(Long.parseLong(fx(() -> view.dashboard.attacksReading.value.getText())) >= 1);
        System.out.printf("force attack → RED on screen in %.2f s%n", seconds);

        robot.clickOn("#resetSystem");
        confirm(robot, "");
        await(5, () -> lamp(robot).equals("GREEN"));
        await(5, () -> gauge(robot) < 3);
    }

    @Test
    void theEveSliderMovesTheLinkThroughYellowToRed(FxRobot robot) throws Exception {
        await(10, () -> lamp(robot).equals("GREEN"));
        Slider rate = robot.from(view).lookup("#eveRate").queryAs(Slider.class);
        robot.interact(() -> rate.setValue(0.2)); // Eve still off: nothing is sent yet
        assertFalse(fx(() -> model.eveActiveProperty().get()));
        robot.clickOn("#eveSwitch .thumb-area");
        // 1 % + 0.2 x 0.98 / 4 ≈ 5.9 %: between the 5 % and 11 % bands.
        await(5, () -> lamp(robot).equals("YELLOW"));
        assertEquals(0.2, fx(() -> model.eveRateProperty().get()), 1e-9);

        robot.interact(() -> rate.setValue(0.6)); // moving the slider with Eve on re-sends the rate
        await(5, () -> lamp(robot).equals("RED"));
        assertTrue(fx(() -> model.eveActiveProperty().get()));
        assertEquals(0.6, fx(() -> model.eveRateProperty().get()), 1e-9, "the KMS runs Eve at the slider's rate");
        double qber = fx(() -> gauge(robot));
        assertTrue(qber > 11, "QBER ≈ 0.6/4 + 1 % crossed the abort line, was " + qber);
    }

    @Test
    void showsOfflineWhileTheKmsIsDownAndRecoversByItself(FxRobot robot) throws Exception {
        await(10, () -> lamp(robot).equals("GREEN"));
        String[] sameKms = {"--home", kms.home().toString(), "--bind", "127.0.0.1",
            "--port", Integer.toString(kms.port()), "--tls-port", Integer.toString(kms.tlsPort()), "--round-ms", "300"};
        kms.close();
        try {
            await(5, () -> lamp(robot).equals("OFFLINE"));
            assertTrue(fx(() -> view.offlineBanner.isVisible()));
            assertTrue(fx(() -> view.controls.forceAttack.isDisabled()), "no operator action against a KMS that is gone");
        } finally {
            // The same home and ports: the console reconnects to "its" KMS, CA and tokens unchanged.
            kms = KmsServer.start(sameKms);
        }
        await(10, () -> !lamp(robot).equals("OFFLINE"));
        assertEquals(ConsoleModel.StreamState.LIVE, fx(() -> model.streamProperty().get()));
        assertFalse(fx(() -> view.offlineBanner.isVisible()));
        assertFalse(fx(() -> view.controls.forceAttack.isDisabled()));
    }

    /** Answers the open confirmation dialog: types the reason, presses its confirm button. */
    private static void confirm(FxRobot robot, String reason) throws Exception {
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#confirmAction").tryQuery().isPresent());
        robot.interact(() -> {
            robot.lookup("#actionReason").queryAs(javafx.scene.control.TextField.class).setText(reason);
            robot.lookup("#confirmAction").queryButton().fire();
        });
    }

    private String lamp(FxRobot robot) {
        // "● GREEN · secure": the state's word after its shape
        return robot.from(view).lookup("#linkLamp").queryAs(Tile.class).getDescription().split(" ")[1];
    }

    private double gauge(FxRobot robot) {
        // The value the gauge displays, not only the one it was given.
        return robot.from(view).lookup("#qberGauge").queryAs(Tile.class).getCurrentValue();
    }

    @SuppressWarnings("unchecked")
    private ListView<AuditEntry> audit(FxRobot robot) {
        return robot.from(view).lookup("#auditList").queryAs(ListView.class);
    }

    /**
     * Reads UI state on the FX thread: evaluating bindings from the test thread races with the FX
     * thread and can cache a stale value.
     */
    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }

    private static void await(int seconds, Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> fx(condition));
    }
}
