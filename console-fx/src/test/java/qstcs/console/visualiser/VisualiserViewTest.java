package qstcs.console.visualiser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.crypto.qkd.QubitTrace;
import qstcs.crypto.qkd.RoundTrace;

/** Drives the BB84 visualiser headless and checks what it shows against the engine's own trace. */
@ExtendWith(ApplicationExtension.class)
class VisualiserViewTest {
    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    private static final PseudoClass CORRECTED = PseudoClass.getPseudoClass("corrected");
    private VisualiserModel model;
    private VisualiserView view;

    @Start
    void start(Stage stage) {
        // Seeds 1, 2, 3, … so every round of this test is reproducible.
        long[] next = {1};
        model = new VisualiserModel(() -> next[0]++, Runnable::run, Duration.millis(40));
        view = new VisualiserView(model);
        stage.setScene(new Scene(view, 1280, 800));
        // The primary stage is shared by every test class in this JVM: an earlier class (a chat
        // window) may have left it smaller and off-centre; a new scene would shrink to it, and
        // controls would lie outside the scene or the 1280x800 headless screen, where TestFX
        // cannot click them.
        stage.sizeToScene();
        stage.setX(0);
        stage.setY(0);
        stage.show();
    }

    @Test
    void stepsThroughEveryStageAndItsTalliesMatchTheTrace(FxRobot robot) {
        RoundTrace trace = model.trace();
        long sifted = trace.qubits().stream().filter(QubitTrace::sifted).count();
        long errors = trace.qubits().stream().filter(q -> q.sifted() && q.differs()).count();
        long sampleErrors = trace.qubits().stream().filter(q -> q.sampled() && q.differs()).count();
        assertEquals(Bb84Stage.READY, model.stageProperty().get());
        assertEquals("–", view.siftedCount.getText(), "nothing is revealed before the first step");

        Set<String> captions = new HashSet<>();
        List<Bb84Stage> seen = new java.util.ArrayList<>();
        for (int i = 0; i < Bb84Stage.values().length - 1; i++) {
            robot.clickOn("#stepButton");
            seen.add(model.stageProperty().get());
            String caption = robot.lookup("#stageCaption").queryAs(Label.class).getText();
            assertFalse(caption.isBlank(), "every step has a caption");
            captions.add(caption);
            if (model.stageProperty().get() == Bb84Stage.SIFTING) {
                assertEquals(sifted + " of " + trace.qubits().size(), view.siftedCount.getText());
            }
            if (model.stageProperty().get() == Bb84Stage.SAMPLING) {
                assertEquals(errors + " (" + sampleErrors + " in the sample)", view.errorCount.getText());
                for (QubitTrace q : trace.qubits()) {
                    boolean red = view.table.cell(q.index(), QubitTable.Column.BOB_BIT).getPseudoClassStates().contains(ERROR);
                    assertEquals(q.sifted() && q.differs(), red, "qubit " + q.index() + " error marking");
                }
            }
        }
        assertEquals(List.of(Bb84Stage.values()).subList(1, Bb84Stage.values().length), seen);
        assertEquals(seen.size(), captions.size(), "one distinct sentence per step");
        assertTrue(robot.lookup("#stepButton").query().isDisabled(), "no step after the final key");
        assertEquals(Integer.toString(trace.corrections().size()), view.correctionCount.getText());
        assertFalse(view.keyBits.getText().isBlank(), "the final step shows a key (or says there is none)");
    }

    @Test
    void anEavesdropperShowsHerBasesAndCausesErrorsThatAreMarked(FxRobot robot) {
        robot.clickOn("#visualiserEve .thumb-area"); // a ToggleSwitch reacts on its thumb area
        robot.interact(() -> view.qubitSpinner.getValueFactory().setValue(64));
        RoundTrace trace = model.trace();
        assertEquals(64, trace.qubits().size());
        assertTrue(trace.qubits().stream().anyMatch(q -> q.eveBasis().isPresent()), "Eve acted on this round");
        for (int i = 0; i < 2; i++) {
            robot.clickOn("#stepButton");
        }
        assertEquals(Bb84Stage.EVE, model.stageProperty().get());
        QubitTrace intercepted = trace.qubits().stream().filter(q -> q.eveBasis().isPresent()).findFirst().orElseThrow();
        Label eveCell = view.table.cell(intercepted.index(), QubitTable.Column.EVE_BASIS);
        assertTrue(eveCell.isVisible());
        assertEquals(String.valueOf(intercepted.eveBasis().orElseThrow().symbol()), eveCell.getText());

        robot.clickOn("#stepButton").clickOn("#stepButton").clickOn("#stepButton");
        assertEquals(Bb84Stage.SAMPLING, model.stageProperty().get());
        long errors = trace.qubits().stream().filter(q -> q.sifted() && q.differs()).count();
        assertTrue(errors > 0, "full intercept-resend causes errors");
        assertTrue(view.errorCount.getText().startsWith(errors + " "));
    }

    @Test
    void cascadeCorrectionsAreHighlighted(FxRobot robot) {
        // Noise of 8 % makes errors that Cascade must fix without crossing the 11 % abort line often;
        // step through seeds until a round has corrections, so the assertion below is never vacuous.
        robot.interact(() -> model.noiseProperty().set(0.08));
        for (int tries = 0; model.trace().corrections().isEmpty() && tries < 50; tries++) {
            robot.interact(model::reset);
        }
        RoundTrace trace = model.trace();
        assertFalse(trace.corrections().isEmpty(), "found a round with Cascade corrections");
        for (int i = 0; i < 6; i++) {
            robot.clickOn("#stepButton");
        }
        assertEquals(Bb84Stage.CASCADE, model.stageProperty().get());
        for (QubitTrace q : trace.qubits()) {
            Label bob = view.table.cell(q.index(), QubitTable.Column.BOB_BIT);
            assertEquals(q.corrected(), bob.getPseudoClassStates().contains(CORRECTED), "qubit " + q.index());
            if (q.corrected()) {
                assertEquals(Integer.toString(q.aliceBit()), bob.getText(), "after Cascade Bob's bit equals Alice's");
            }
        }
    }

    @Test
    void playRunsToTheFinalKeyByItself(FxRobot robot) throws Exception {
        robot.clickOn("#playButton");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> model.stageProperty().get() == Bb84Stage.FINAL_KEY);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(model.playingProperty().get());
        robot.clickOn("#resetButton");
        assertEquals(Bb84Stage.READY, model.stageProperty().get());
    }

    @Test
    void stepsBackAndForthWithButtonsAndPresenterKeys(FxRobot robot) {
        assertTrue(robot.lookup("#backButton").query().isDisabled(), "nothing before the start");
        robot.clickOn("#stepButton").clickOn("#stepButton");
        assertEquals(Bb84Stage.EVE, model.stageProperty().get());
        robot.clickOn("#backButton");
        assertEquals(Bb84Stage.ALICE, model.stageProperty().get());
        String alice = robot.lookup("#stageCaption").queryAs(Label.class).getText();
        robot.type(javafx.scene.input.KeyCode.PAGE_DOWN);
        assertEquals(Bb84Stage.EVE, model.stageProperty().get(), "a clicker's Page Down steps forward");
        robot.type(javafx.scene.input.KeyCode.RIGHT);
        assertEquals(Bb84Stage.BOB, model.stageProperty().get());
        robot.type(javafx.scene.input.KeyCode.PAGE_UP);
        robot.type(javafx.scene.input.KeyCode.LEFT);
        assertEquals(Bb84Stage.ALICE, model.stageProperty().get(), "Page Up and Left step back");
        assertEquals(alice, robot.lookup("#stageCaption").queryAs(Label.class).getText(), "the same round, the same words");
        robot.type(javafx.scene.input.KeyCode.UP, 3);
        assertEquals(Bb84Stage.READY, model.stageProperty().get(), "back stops at the start");
    }

    @Test
    void theVisualisersEveSwitchSaysItIsTheVisualisersOwn(FxRobot robot) {
        String text = view.eveSwitch.getText();
        assertTrue(text.contains("visualiser"), text);
    }

    @Test
    void anAbortedRoundShowsNoKeyBits(FxRobot robot) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.eveOnProperty().set(true);
            for (int i = 0; i < 50 && !model.roundProperty().get().stats().aborted(); i++) {
                model.reset();
            }
        }).get(5, TimeUnit.SECONDS);
        assertTrue(model.roundProperty().get().stats().aborted(), "full intercept-resend aborts a round");
        WaitForAsyncUtils.asyncFx(() -> {
            while (model.stageProperty().get() != Bb84Stage.FINAL_KEY) {
                model.step();
            }
        }).get(5, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("—", view.keyBits.getText(), "no bits for an aborted round");
        assertTrue(view.keyTitle.getText().startsWith("No key"), view.keyTitle.getText());
    }

    @Test
    void aRoundAbortedWithoutBreachShowsNoReconciledBitsEither(FxRobot robot) throws Exception {
        // 16 qubits without Eve: the finite-key bound leaves nothing, the round aborts without a breach.
        WaitForAsyncUtils.asyncFx(() -> {
            model.qubitsProperty().set(VisualiserModel.MIN_QUBITS);
            while (model.stageProperty().get() != Bb84Stage.FINAL_KEY) {
                model.step();
            }
        }).get(5, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        var st = model.roundProperty().get().stats();
        assertTrue(st.aborted() && !st.breach() && st.finalLength() == 0, st.toString());
        assertEquals("—", view.keyBits.getText(), "reconciled bits are not a key and are not shown");
    }
}
