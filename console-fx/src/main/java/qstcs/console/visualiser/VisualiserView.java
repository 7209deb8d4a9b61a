package qstcs.console.visualiser;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.ToggleSwitch;
import qstcs.crypto.qkd.RoundStats;
import qstcs.crypto.qkd.RoundTrace;

/**
 * The "BB84 visualiser" tab: controls on top, the qubit table on the left, and on the right the
 * step list, the one-sentence caption, the tallies and the key. It only renders the
 * {@link VisualiserModel}; all state lives there.
 */
public final class VisualiserView extends BorderPane {
    private static final PseudoClass CURRENT = PseudoClass.getPseudoClass("current");
    private static final PseudoClass DONE = PseudoClass.getPseudoClass("done");
    static final double SIDE_WIDTH = 380;

    final Button backButton = new Button("◂ Back");
    final Button stepButton = new Button("Step ▸");
    final Button playButton = new Button("Play ▶");
    final Button resetButton = new Button("Reset ↺");
    final Spinner<Integer> qubitSpinner = new Spinner<>(VisualiserModel.MIN_QUBITS, VisualiserModel.MAX_QUBITS, 32, 8);
    /** This tab's own eavesdropper, not the KMS's: the label says so. */
    final ToggleSwitch eveSwitch = new ToggleSwitch("Eve in this visualiser only");
    final Slider noiseSlider = new Slider(0, 0.15, 0.01);
    final QubitTable table = new QubitTable();
    final Label caption = new Label();
    final Label siftedCount = new Label();
    final Label sampledCount = new Label();
    final Label errorCount = new Label();
    final Label qberValue = new Label();
    final Label correctionCount = new Label();
    final Label finalLength = new Label();
    final Label keyTitle = new Label();
    final Label keyBits = new Label();
    private final VBox steps = new VBox(2);
    private final VisualiserModel model;

    public VisualiserView(VisualiserModel model) {
        this.model = model;
        getStylesheets().add(VisualiserView.class.getResource("visualiser.css").toExternalForm());
        getStyleClass().add("visualiser");
        setTop(toolbar());
        ScrollPane scroll = new ScrollPane(table);
        scroll.getStyleClass().add("table-scroll");
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        setCenter(scroll);
        setRight(sidePanel());
        BorderPane.setMargin(scroll, new Insets(0, 10, 10, 10));

        model.stageProperty().addListener((obs, old, s) -> render());
        model.roundProperty().addListener((obs, old, r) -> render());
        render();
    }

    private HBox toolbar() {
        stepButton.setId("stepButton");
        playButton.setId("playButton");
        resetButton.setId("resetButton");
        stepButton.setOnAction(e -> model.step());
        backButton.setId("backButton");
        backButton.setOnAction(e -> model.stepBack());
        backButton.disableProperty().bind(model.stageProperty().isEqualTo(Bb84Stage.READY));
        backButton.setMinWidth(Region.USE_PREF_SIZE);
        // Keyboard and presenter clickers (which send Page Down / Page Up): forward and back.
        addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getTarget() instanceof javafx.scene.control.TextInputControl
                    || e.getTarget() instanceof javafx.scene.control.Spinner<?>
                    || e.getTarget() instanceof javafx.scene.control.Slider) {
                return; // arrows there change a value
            }
            switch (e.getCode()) {
                case PAGE_DOWN, RIGHT, DOWN -> {
                    model.step();
                    e.consume();
                }
                case PAGE_UP, LEFT, UP -> {
                    model.stepBack();
                    e.consume();
                }
                default -> { }
            }
        });
        stepButton.disableProperty().bind(model.stageProperty().isEqualTo(Bb84Stage.FINAL_KEY).or(model.playingProperty()));
        playButton.setOnAction(e -> {
            if (model.playingProperty().get()) {
                model.pause();
            } else {
                model.play();
            }
        });
        playButton.textProperty().bind(Bindings.when(model.playingProperty()).then("Pause ❚❚").otherwise("Play ▶"));
        resetButton.setOnAction(e -> model.reset());
        for (Button b : new Button[] {stepButton, playButton, resetButton}) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        stepButton.getStyleClass().add("accent");

        qubitSpinner.setId("qubitSpinner");
        qubitSpinner.setPrefWidth(80);
        qubitSpinner.getValueFactory().valueProperty().addListener((obs, old, n) -> model.qubitsProperty().set(n));
        eveSwitch.setId("visualiserEve");
        eveSwitch.setTooltip(new javafx.scene.control.Tooltip(
                "Puts an eavesdropper on this demonstration round only. The real link's Eve is on the Link tab."));
        eveSwitch.selectedProperty().bindBidirectional(model.eveOnProperty());
        noiseSlider.setId("noiseSlider");
        noiseSlider.setPrefWidth(140);
        noiseSlider.valueProperty().addListener((obs, old, v) -> {
            if (!noiseSlider.isValueChanging()) {
                model.noiseProperty().set(v.doubleValue());
            }
        });
        noiseSlider.valueChangingProperty().addListener((obs, was, changing) -> {
            if (!changing) {
                model.noiseProperty().set(noiseSlider.getValue());
            }
        });
        // The model may change from elsewhere (a test, a future preset): the controls follow it.
        model.noiseProperty().addListener((obs, old, e) -> noiseSlider.setValue(e.doubleValue()));
        model.qubitsProperty().addListener((obs, old, n) -> qubitSpinner.getValueFactory().setValue(n.intValue()));
        Label noiseValue = new Label();
        noiseValue.setMinWidth(Region.USE_PREF_SIZE);
        noiseValue.textProperty().bind(Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, "%.1f %%", noiseSlider.getValue() * 100), noiseSlider.valueProperty()));
        Label qubitsLabel = new Label("Qubits");
        Label noiseLabel = new Label("Channel noise");
        for (Label l : new Label[] {qubitsLabel, noiseLabel}) {
            l.getStyleClass().add("field-label");
            l.setMinWidth(Region.USE_PREF_SIZE);
        }
        Label simulated = new Label("SIMULATED QUANTUM CHANNEL");
        simulated.setId("simulatedChannel");
        simulated.getStyleClass().add("simulated-badge");
        simulated.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(10, backButton, stepButton, playButton, resetButton, separator(), qubitsLabel, qubitSpinner,
                separator(), eveSwitch, separator(), noiseLabel, noiseSlider, noiseValue, spacer, simulated);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("visualiser-toolbar");
        return bar;
    }

    private static Region separator() {
        Region r = new Region();
        r.getStyleClass().add("bar-separator");
        r.setMinWidth(1);
        r.setPrefSize(1, 24);
        r.setMaxHeight(24);
        return r;
    }

    private VBox sidePanel() {
        for (Bb84Stage s : Bb84Stage.values()) {
            if (s == Bb84Stage.READY) {
                continue;
            }
            Label step = new Label(s.ordinal() + "  " + s.label());
            step.getStyleClass().add("step-item");
            step.setMaxWidth(Double.MAX_VALUE);
            steps.getChildren().add(step);
        }
        steps.getStyleClass().add("step-list");

        caption.setId("stageCaption");
        caption.getStyleClass().add("stage-caption");
        caption.setWrapText(true);
        caption.setMinHeight(Region.USE_PREF_SIZE);
        caption.textProperty().bind(model.captionProperty());

        siftedCount.setId("siftedCount");
        sampledCount.setId("sampledCount");
        errorCount.setId("errorCount");
        qberValue.setId("qberValue");
        correctionCount.setId("correctionCount");
        finalLength.setId("finalLength");
        GridPane tallies = new GridPane(12, 3);
        tallies.getStyleClass().add("tallies");
        addTally(tallies, 0, "Sifted bits", siftedCount);
        addTally(tallies, 1, "Sampled bits", sampledCount);
        addTally(tallies, 2, "Errors in sifted bits", errorCount);
        addTally(tallies, 3, "Estimated QBER", qberValue);
        addTally(tallies, 4, "Cascade corrections", correctionCount);
        addTally(tallies, 5, "Final key length ℓ", finalLength);

        Label legend = new Label("Legend: red = Bob's bit differs from Alice's (error) · S = disclosed sample · "
                + "yellow = flipped by Cascade · ✗ = bases differ, dropped");
        legend.getStyleClass().add("hint");
        legend.setWrapText(true);
        legend.setMinHeight(Region.USE_PREF_SIZE);
        keyTitle.getStyleClass().add("key-title");
        keyBits.setId("finalKey");
        keyBits.getStyleClass().add("key-bits");
        keyBits.setWrapText(true);
        keyBits.setMinHeight(Region.USE_PREF_SIZE);
        Label atScale = new Label();
        atScale.setId("atScale");
        atScale.getStyleClass().add("hint");
        atScale.setWrapText(true);
        atScale.setMinHeight(Region.USE_PREF_SIZE);
        atScale.textProperty().bind(model.atScaleProperty());
        Label honesty = new Label("Simulated quantum link: a classical BB84 simulation, not quantum hardware. "
                + "These demonstration bits never become pool keys.");
        honesty.setId("visualiserHonesty");
        honesty.getStyleClass().add("hint");
        honesty.setWrapText(true);
        honesty.setMinHeight(Region.USE_PREF_SIZE);

        VBox side = new VBox(12, steps, caption, tallies, legend, keyTitle, keyBits, atScale, honesty);
        side.getStyleClass().add("visualiser-side");
        side.setPrefWidth(SIDE_WIDTH);
        side.setMinWidth(SIDE_WIDTH);
        side.setMaxWidth(SIDE_WIDTH);
        ScrollPane scroll = new ScrollPane(side);
        scroll.getStyleClass().add("side-scroll");
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setMinWidth(SIDE_WIDTH + 16);
        BorderPane.setMargin(scroll, new Insets(0, 10, 10, 0));
        VBox wrapper = new VBox(scroll);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        return wrapper;
    }

    private static void addTally(GridPane grid, int row, String name, Label value) {
        Label label = new Label(name);
        label.getStyleClass().add("tally-name");
        value.getStyleClass().add("tally-value");
        grid.addRow(row, label, value);
    }

    private void render() {
        Bb84Stage stage = model.stageProperty().get();
        RoundTrace trace = model.trace();
        RoundStats st = model.roundProperty().get().stats();
        RoundCounts c = model.countsProperty().get();
        table.show(trace, stage, model.eveOnProperty().get());
        for (int i = 0; i < steps.getChildren().size(); i++) {
            Bb84Stage s = Bb84Stage.values()[i + 1];
            steps.getChildren().get(i).pseudoClassStateChanged(CURRENT, s == stage);
            steps.getChildren().get(i).pseudoClassStateChanged(DONE, s.ordinal() < stage.ordinal());
        }
        siftedCount.setText(Bb84Stage.SIFTING.reachedAt(stage) ? c.sifted() + " of " + c.qubits() : "–");
        sampledCount.setText(Bb84Stage.SAMPLING.reachedAt(stage) ? Integer.toString(c.sampled()) : "–");
        errorCount.setText(Bb84Stage.SAMPLING.reachedAt(stage)
                ? c.siftedErrors() + " (" + c.sampleErrors() + " in the sample)" : "–");
        qberValue.setText(Bb84Stage.SAMPLING.reachedAt(stage) && st.sampleSize() > 0
                ? VisualiserModel.percent(st.estimatedQber()) : "–");
        correctionCount.setText(Bb84Stage.CASCADE.reachedAt(stage) ? Integer.toString(c.corrections()) : "–");
        finalLength.setText(Bb84Stage.PRIVACY_AMPLIFICATION.reachedAt(stage) ? st.finalLength() + " bits" : "–");
        showKey(stage, trace, st);
    }

    private void showKey(Bb84Stage stage, RoundTrace trace, RoundStats st) {
        if (!Bb84Stage.FINAL_KEY.reachedAt(stage)) {
            keyTitle.setText("");
            keyBits.setText("");
            return;
        }
        if (!trace.finalKey().isEmpty()) {
            keyTitle.setText("Privacy-amplified key (" + trace.finalKey().size() + " bits, demonstration only)");
            keyBits.setText(bits(trace.finalKey()));
        } else {
            // An aborted round has no key: showing reconciled bits would look like one.
            keyTitle.setText(st.breach() ? "No key: round aborted (breach)" : "No key: round aborted (ℓ = 0)");
            keyBits.setText("—");
        }
    }

    private static String bits(java.util.List<Integer> bits) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bits.size(); i++) {
            if (i > 0 && i % 8 == 0) {
                out.append(' ');
            }
            out.append(bits.get(i));
        }
        return out.toString();
    }
}
