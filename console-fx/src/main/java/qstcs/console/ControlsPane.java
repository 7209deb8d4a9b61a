package qstcs.console;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.ToggleSwitch;

/**
 * Force Attack, Reset System and the eavesdropper (switch plus intercept-rate slider). Each button
 * is disabled while its own request runs and while the KMS is offline; Force Attack and Reset ask
 * for confirmation and an optional reason first ({@link ConfirmDialog}). The Eve request is sent
 * when the switch flips or the slider is released, not on every pixel of a drag.
 */
final class ControlsPane extends VBox {
    final Button forceAttack = new Button("FORCE ATTACK");
    final Button reset = new Button("RESET SYSTEM");
    final ToggleSwitch eveSwitch = new ToggleSwitch("Eavesdropper (Eve)");
    final Slider eveRate = new Slider(0, 1, 0.5);
    final Label eveHint = new Label();
    private boolean syncingFromKms;
    /** Opens the "Enroll a device" dialog (enrollment string and QR code). */
    static final javafx.scene.input.KeyCombination ENROLL_SHORTCUT = javafx.scene.input.KeyCombination.keyCombination("Shortcut+E");

    ControlsPane(ConsoleModel model) {
        getStyleClass().add("controls");
        setSpacing(12);
        setFillWidth(true);

        BooleanBinding offline = model.streamProperty().isNotEqualTo(ConsoleModel.StreamState.LIVE);
        forceAttack.setId("forceAttack");
        forceAttack.getStyleClass().add("danger");
        forceAttack.setTooltip(new Tooltip("Run one round with full intercept–resend now: QBER ≈ 25 %, link RED, keys revoked."));
        forceAttack.disableProperty().bind(model.forceAttackRunningProperty().or(offline));
        forceAttack.setOnAction(e -> confirmForceAttack().ask().ifPresent(model::forceAttack));
        reset.setId("resetSystem");
        reset.getStyleClass().add("primary");
        reset.setTooltip(new Tooltip("Eve off, pool, keys, sessions and counters cleared, link GREEN. The audit log stays."));
        reset.disableProperty().bind(model.resetRunningProperty().or(offline));
        reset.setOnAction(e -> confirmReset().ask().ifPresent(model::reset));
        for (Button b : new Button[] {forceAttack, reset}) {
            b.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(b, Priority.ALWAYS);
        }
        HBox buttons = new HBox(10, forceAttack, reset);

        eveSwitch.setId("eveSwitch");
        eveSwitch.getStyleClass().add("eve-switch");
        eveSwitch.setMaxWidth(Double.MAX_VALUE);
        eveSwitch.disableProperty().bind(offline);
        eveRate.setId("eveRate");
        eveRate.setMajorTickUnit(0.25);
        eveRate.setMinorTickCount(4);
        eveRate.setShowTickMarks(true);
        eveRate.setBlockIncrement(0.05);
        eveRate.disableProperty().bind(offline);
        eveHint.getStyleClass().add("hint");
        eveHint.setWrapText(true);
        eveHint.setMinHeight(34);
        eveHint.textProperty().bind(Bindings.createStringBinding(() -> String.format(
                "Intercepts %.0f %% of qubits ⇒ expected QBER ≈ %.1f %%", eveRate.getValue() * 100,
                100 * expectedQber(eveRate.getValue())), eveRate.valueProperty()));
        Label rateLabel = new Label("Intercept rate");
        rateLabel.getStyleClass().add("field-label");
        VBox eveBox = new VBox(6, eveSwitch, rateLabel, eveRate, eveHint);
        eveBox.getStyleClass().add("eve-box");
        eveBox.setAlignment(Pos.TOP_LEFT);

        eveSwitch.selectedProperty().addListener((obs, was, on) -> {
            if (!syncingFromKms) {
                model.applyEve(on, eveRate.getValue());
            }
        });
        eveRate.valueChangingProperty().addListener((obs, was, changing) -> {
            if (!changing && eveSwitch.isSelected()) {
                model.applyEve(true, eveRate.getValue());
            }
        });
        eveRate.valueProperty().addListener((obs, old, v) -> {
            // Keyboard, clicks on the track and programmatic changes do not go through "valueChanging".
            if (!syncingFromKms && !eveRate.isValueChanging() && eveSwitch.isSelected()) {
                model.applyEve(true, v.doubleValue());
            }
        });
        model.eveActiveProperty().addListener((obs, was, on) -> showKmsEve(model));
        model.eveRateProperty().addListener((obs, was, rate) -> showKmsEve(model));
        // After every Eve request (also a failed one) the switch shows what the KMS says.
        model.eveRunningProperty().addListener((obs, was, running) -> {
            if (!running) {
                showKmsEve(model);
            }
        });

        // Ctrl+E (Cmd+E) opens device enrollment; a shortcut keeps the dashboard's layout as it is.
        sceneProperty().addListener((obs, was, scene) -> {
            if (scene != null) {
                scene.getAccelerators().put(ENROLL_SHORTCUT, () -> {
                    EnrollmentDialog dialog = new EnrollmentDialog(model);
                    dialog.initOwner(scene.getWindow());
                    dialog.show();
                });
            }
        });
        getChildren().addAll(buttons, eveBox);
    }

    /** The question before a forced attack; package-private so a test can answer it. */
    ConfirmDialog confirmForceAttack() {
        return new ConfirmDialog(window(), "Force an attack?", "Force an attack on the quantum link?",
                "One round runs with Eve measuring every qubit: QBER ≈ 25 %, the link latches RED, every issued "
                        + "key is revoked and the soldiers' chats stop until an operator resets the link.",
                "Force attack");
    }

    ConfirmDialog confirmReset() {
        return new ConfirmDialog(window(), "Reset the link?", "Reset the quantum link?",
                "The eavesdropper is switched off; the key pool, issued keys, sessions and counters since the "
                        + "last reset are cleared and the link returns to GREEN. The audit log stays.",
                "Reset");
    }

    private javafx.stage.Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private void showKmsEve(ConsoleModel model) {
        syncingFromKms = true;
        try {
            eveSwitch.setSelected(model.eveActiveProperty().get());
            // Follow a rate set elsewhere (another console), unless the operator is dragging the slider.
            if (model.eveActiveProperty().get() && !eveRate.isValueChanging() && !model.eveRunningProperty().get()) {
                eveRate.setValue(model.eveRateProperty().get());
            }
        } finally {
            syncingFromKms = false;
        }
    }

    /** The simulated channel: QBER ≈ e + p·(1−2e)/4 with the KMS default channel noise e = 1 %. */
    static double expectedQber(double interceptRate) {
        double noise = 0.01;
        return noise + interceptRate * (1 - 2 * noise) / 4;
    }
}
