package qstcs.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Proves the headless toolkit (TestFX on Monocle) works on this JDK before any real view relies on it. */
@ExtendWith(ApplicationExtension.class)
class HeadlessFxSmokeTest {
    private Label label;

    @Start
    void start(Stage stage) {
        label = new Label("idle");
        Button button = new Button("Press");
        button.setId("press");
        button.setOnAction(e -> label.setText("pressed"));
        stage.setScene(new Scene(new VBox(button, label), 200, 100));
        stage.show();
    }

    @Test
    void clickingAButtonRunsItsAction(FxRobot robot) {
        robot.clickOn("#press");
        assertEquals("pressed", label.getText());
    }
}
