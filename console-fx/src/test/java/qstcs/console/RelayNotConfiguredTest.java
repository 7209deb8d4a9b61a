package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A console started with {@code --relay none} watches no relay: its relay tile says NOT
 * CONFIGURED in words, in the neutral colour of the router tile's "no router", and never claims
 * to be connecting or that the relay is unreachable. The model is never started (no server).
 */
@ExtendWith(ApplicationExtension.class)
class RelayNotConfiguredTest {
    private static final PseudoClass UNCONFIGURED = PseudoClass.getPseudoClass("unconfigured");
    private static final PseudoClass BAD = PseudoClass.getPseudoClass("bad");
    private ConsoleModel model;
    private ConsoleView view;

    @Start
    void start(Stage stage) throws Exception {
        ConsoleOptions options = ConsoleOptions.parse(List.of("--home", Files.createTempDirectory("qstcs-console").toString(),
                "--kms", "https://127.0.0.1:9", "--relay", "none"), Map.of());
        model = ConsoleApp.createModel(options, Map.of());
        view = new ConsoleView(model, new Label("visualiser"));
        Scene scene = new Scene(view, 1100, 700);
        Theme.apply(scene);
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void theRelayTileSaysNotConfiguredInANeutralState() throws Exception {
        DashboardView d = view.dashboard;
        String state = fx(() -> d.relayState.getText());
        assertTrue(state.startsWith("○ NOT CONFIGURED"), state);
        assertFalse(state.contains("CONNECTING") || state.contains("UNREACHABLE"), state);
        assertTrue(fx(() -> d.relayState.getPseudoClassStates().contains(UNCONFIGURED)));
        assertFalse(fx(() -> d.relayState.getPseudoClassStates().contains(BAD)), "not an error");
        assertEquals("—", fx(() -> d.relayReading.value.getText()), "no relay figure is invented");
        assertEquals(fx(() -> d.routerState.getTextFill()), fx(() -> d.relayState.getTextFill()),
                "the same neutral colour as the router tile's NO ROUTER");
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }
}
