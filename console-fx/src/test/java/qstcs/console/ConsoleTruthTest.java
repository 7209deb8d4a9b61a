package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Border;
import javafx.stage.Stage;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;

/**
 * What the console shows before, during and after KMS readings, without any server: the model is
 * fed directly (it is never started), so these run in a fraction of a second. Truthful values
 * ("—" before any reading, greyed with their time once old), explicit source states, the no-key
 * zone in words, confirmation before destructive actions and a visible focus ring.
 */
@ExtendWith(ApplicationExtension.class)
class ConsoleTruthTest {
    private static final PseudoClass STALE = PseudoClass.getPseudoClass("stale");
    private ConsoleModel model;
    private ConsoleView view;

    @Start
    void start(Stage stage) {
        // Nothing listens on port 9: the model is never started, so it never even tries.
        model = new ConsoleModel(new OkHttpClient(), HttpUrl.get("https://127.0.0.1:9"), HttpUrl.get("https://127.0.0.1:9"),
                Optional.empty());
        view = new ConsoleView(model, new Label("visualiser"));
        Scene scene = new Scene(view, 1100, 700);
        Theme.apply(scene);
        stage.setScene(scene);
        stage.sizeToScene();
        stage.setX(0);
        stage.setY(0);
        stage.show();
    }

    @Test
    void valuesNeverReceivedShowADashNotZero() throws Exception {
        DashboardView d = view.dashboard;
        for (ReadingView r : new ReadingView[] {d.keysIssuedReading, d.attacksReading, d.sessionsReading, d.poolReading,
            d.relayReading}) {
            assertEquals("—", fx(() -> r.value.getText()));
        }
        assertFalse(fx(() -> d.gauge.isValueVisible()), "no QBER needle value before the first reading");
        assertEquals("○ NO ROUTER", fx(() -> d.routerState.getText()));
        assertFalse(fx(() -> d.routerState.getPseudoClassStates().contains(PseudoClass.getPseudoClass("silent"))),
                "no router configured is a neutral state, not the amber NO SIGNAL");
    }

    @Test
    void liveValuesThenStaleOnesGreyedWithTheirTime() throws Exception {
        fx(() -> {
            model.stream.set(ConsoleProperties.StreamState.LIVE);
            model.show(status(LinkColour.GREEN, 0.012, 2, 4096, 512, "none"));
            return null;
        });
        ReadingView keys = view.dashboard.keysIssuedReading;
        assertEquals("2", fx(() -> keys.value.getText()));
        assertEquals("keys", fx(() -> keys.unit.getText()), "value and unit are separate labels: \"2 keys\", not \"2keys\"");
        assertEquals("issued since the last reset", fx(() -> keys.description.getText()));
        assertFalse(fx(() -> keys.getPseudoClassStates().contains(STALE)));

        fx(() -> {
            model.show(status(LinkColour.GREEN, 0.012, 2, 1_048_600, 512, "none"));
            return null;
        });
        ReadingView pool = view.dashboard.poolReading;
        assertEquals(String.format("%.2f", 1.05) + " Mbit", fx(() -> pool.value.getText() + " " + pool.unit.getText()),
                "a pool over 1000 kbit in Mbit, short enough for a laptop's tile");

        fx(() -> {
            model.stream.set(ConsoleProperties.StreamState.OFFLINE);
            return null;
        });
        assertTrue(fx(() -> keys.getPseudoClassStates().contains(STALE)));
        assertEquals("2", fx(() -> keys.value.getText()), "the last value stays, greyed");
        assertTrue(fx(() -> keys.age.getText()).matches("last update \\d\\d:\\d\\d:\\d\\d"), fx(() -> keys.age.getText()));
    }

    @Test
    void theNoKeyZoneIsSaidInWordsAndThePoolDrains() throws Exception {
        fx(() -> {
            model.stream.set(ConsoleProperties.StreamState.LIVE);
            model.show(status(LinkColour.YELLOW, 0.071, 3, 2048, 0, "finite_key"));
            return null;
        });
        assertTrue(fx(() -> view.keyZoneBanner.isVisible()));
        String text = fx(() -> view.keyZoneBanner.getText());
        assertTrue(text.contains("YELLOW — no new keys: QBER 7.1 % is too high for a secure key (finite-key bound). Not an attack."), text);
        assertTrue(fx(() -> view.dashboard.poolReading.description.getText()).contains("draining"));

        fx(() -> {
            model.show(status(LinkColour.GREEN, 0.011, 3, 4096, 512, "none"));
            return null;
        });
        assertFalse(fx(() -> view.keyZoneBanner.isVisible()));
    }

    @Test
    void whileRedTheQberHistoryTitleNamesTheGaugeValue() {
        String title = DashboardView.qberTitle(LinkState.RED, 0.257, 0.009);
        assertTrue(title.contains("RED at 25.7 %"), title);
        assertFalse(title.contains("now 0.9"), title);
    }

    @Test
    void theHistoryTilesShowTheLastFiveMinutesOnAFixedScaleWithTheBands() throws Exception {
        Instant now = Instant.now();
        fx(() -> {
            model.trends.loaded(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"samples\":[]}"));
            model.trends.add(new LinkTrends.Sample(now.minusSeconds(600), 0.02, 30_000, 1000)); // older than 5 min
            model.trends.add(new LinkTrends.Sample(now.minusSeconds(120), 0.01, 30_000, 2000));
            model.trends.add(new LinkTrends.Sample(now.minusSeconds(60), 0.25, 0, 0)); // one spike
            model.trends.add(new LinkTrends.Sample(now.minusSeconds(30), 0.012, 31_000, 500));
            model.trends.mark(new LinkTrends.Marker(now.minusSeconds(60), "forced_attack", "QBER 25 %"));
            view.dashboard.redrawHistory(model, now);
            return null;
        });
        DashboardView d = view.dashboard;
        assertTrue(fx(() -> d.qberHistory.getTitle()).contains("last 5 min"), fx(() -> d.qberHistory.getTitle()));
        assertTrue(fx(() -> d.keyRateHistory.getTitle()).contains("last 5 min"));
        javafx.scene.chart.ValueAxis<Number> time = (javafx.scene.chart.ValueAxis<Number>) d.qberChart.chart.getXAxis();
        assertEquals(300, fx(() -> time.getUpperBound() - time.getLowerBound()), 1, "the time axis spans what the title says");
        assertEquals(now.getEpochSecond(), fx(time::getUpperBound), 1, "and ends now");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> fx(() -> !time.getTickMarks().isEmpty()
                && time.getTickMarks().getFirst().getValue().doubleValue() >= time.getLowerBound()));
        long offset = java.time.ZoneId.systemDefault().getRules().getOffset(now).getTotalSeconds();
        for (var tick : fx(() -> java.util.List.copyOf(time.getTickMarks()))) {
            long t = tick.getValue().longValue();
            assertEquals(0, (t + offset) % 60, "a tick on a whole minute of the local clock: " + t);
        }
        java.util.List<String> labels = fx(() -> time.getChildrenUnmodifiable().stream()
                .filter(n -> n instanceof javafx.scene.text.Text && n.isVisible())
                .map(n -> ((javafx.scene.text.Text) n).getText()).toList());
        assertFalse(labels.isEmpty());
        assertTrue(labels.stream().allMatch(l -> l.matches("\\d\\d:\\d\\d")), "whole minutes read HH:mm: " + labels);
        javafx.scene.chart.NumberAxis qber = (javafx.scene.chart.NumberAxis) d.qberChart.chart.getYAxis();
        assertFalse(fx(qber::isAutoRanging), "a spike never rescales the QBER chart");
        assertEquals(0, fx(qber::getLowerBound));
        assertEquals(30, fx(qber::getUpperBound));
        var series = fx(() -> java.util.List.copyOf(d.qberChart.chart.getData()));
        assertEquals(3, series.getFirst().getData().size(), "only the samples of the last 5 minutes are drawn");
        java.util.List<Double> levels = new java.util.ArrayList<>();
        boolean marker = false;
        for (var s : series) {
            var classes = fx(() -> s.getNode().getStyleClass());
            if (classes.contains("level")) {
                levels.add(s.getData().getFirst().getYValue().doubleValue());
            }
            marker |= classes.contains("marker-forced-attack");
        }
        assertEquals(java.util.List.of(5.0, 11.0), levels, "the YELLOW and RED bands at 5 % and 11 %");
        assertTrue(marker, "the forced attack is a marker on the tile too");
    }

    @Test
    void theLampSaysItsStateInWordsAndShapeNotOnlyColour() {
        assertEquals("■ RED · compromised", LinkState.RED.label());
        assertEquals("▲ YELLOW · degraded", LinkState.YELLOW.label());
        assertEquals("● GREEN · secure", LinkState.GREEN.label());
    }

    @Test
    void spaceOnAFocusedForceAttackOnlyAsksAndCancelCancels(FxRobot robot) throws Exception {
        fx(() -> {
            model.stream.set(ConsoleProperties.StreamState.LIVE);
            model.show(status(LinkColour.GREEN, 0.012, 0, 4096, 512, "none"));
            view.controls.forceAttack.requestFocus();
            return null;
        });
        robot.type(KeyCode.SPACE);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#cancelAction").tryQuery().isPresent());
        assertFalse(fx(() -> model.forceAttackRunningProperty().get()), "a key press alone never forces an attack");
        robot.type(KeyCode.SPACE); // the reason field has the focus: Space types a space, it confirms nothing
        assertTrue(robot.lookup("#cancelAction").tryQuery().isPresent());
        robot.type(KeyCode.ENTER); // no default button either
        assertTrue(robot.lookup("#cancelAction").tryQuery().isPresent());
        assertFalse(fx(() -> model.forceAttackRunningProperty().get()));
        robot.clickOn("#cancelAction");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#cancelAction").tryQuery().isEmpty());
        assertFalse(fx(() -> model.forceAttackRunningProperty().get()));
    }

    @Test
    void theConfirmationTakesAReasonOfLimitedLength() throws Exception {
        ConfirmDialog dialog = fx(() -> view.controls.confirmReset());
        fx(() -> {
            dialog.reason.setText("x".repeat(ConfirmDialog.MAX_REASON + 20));
            return null;
        });
        assertTrue(fx(() -> dialog.reason.getText().length()) <= ConfirmDialog.MAX_REASON);
        assertTrue(fx(() -> dialog.getDialogPane().getStyleClass().contains("console")), "dialogs use the dark theme");
    }

    @Test
    void theFocusedControlHasAVisibleRing(FxRobot robot) throws Exception {
        Button reset = view.controls.reset;
        fx(() -> {
            model.stream.set(ConsoleProperties.StreamState.LIVE);
            model.show(status(LinkColour.GREEN, 0.012, 0, 4096, 512, "none"));
            view.controls.forceAttack.requestFocus();
            return null;
        });
        Border unfocused = fx(reset::getBorder);
        fx(() -> {
            reset.requestFocus();
            return null;
        });
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> fx(reset::isFocused));
        fx(() -> {
            reset.applyCss();
            return null;
        });
        Border focused = fx(reset::getBorder);
        assertNotEquals(unfocused, focused, "focus changes the button's border");
        assertTrue(focused != null && !focused.getStrokes().isEmpty()
                && focused.getStrokes().getFirst().getWidths().getTop() >= 2, "a ring of at least 2 px: " + focused);
    }

    private static LinkStatus status(LinkColour colour, double qber, long keys, long poolBits, long keyBits, String reason) {
        return new LinkStatus(colour, qber, keys, 1, 0, 1, false, 0, 1, 10, qber, 1000, poolBits, Instant.now(), keyBits, reason, 0);
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }
}
