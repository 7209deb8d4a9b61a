package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The one-window presenter layout (the console with chats docked beside it) asks for attention
 * like the plain console: an unacknowledged alarm leads the window title. The model is fed
 * directly and never started, so no server is needed.
 */
@ExtendWith(ApplicationExtension.class)
class PresenterLayoutTest {
    private static final String TITLE = "QSTCS SOC console — presenter test";
    private ConsoleModel model;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        // Nothing listens on port 9: the model is never started, so it never even tries.
        model = new ConsoleModel(new OkHttpClient(), HttpUrl.get("https://127.0.0.1:9"), HttpUrl.get("https://127.0.0.1:9"),
                Optional.empty());
        ConsoleView view = new ConsoleView(model, new Label("visualiser"));
        List<javafx.scene.Node> chats = List.of(
                ConsoleApp.dockedChat(new ConsoleOptions.DockedChat("Soldier_Alpha", "Soldier_Bravo"), new Label("chat")),
                ConsoleApp.dockedChat(new ConsoleOptions.DockedChat("Soldier_Bravo", "Soldier_Alpha"), new Label("chat")));
        // As ConsoleApp does it: title, scene, stage, then show (the console joins the scene last).
        stage.titleProperty().unbind();
        stage.setTitle(TITLE);
        Scene scene = new Scene(ConsoleApp.withDockedChats(view, chats), 1366, 740);
        Theme.apply(scene);
        stage.setScene(scene);
        stage.setX(0);
        stage.setY(0);
        stage.show();
    }

    @Test
    void anUnacknowledgedAlarmLeadsTheWindowTitle() throws Exception {
        assertEquals(TITLE, fx(stage::getTitle));
        fx(() -> model.alarms.update(new AlarmBoard.Alarm(1, Instant.now(), "breach", 0.25, "QBER 25 %",
                Optional.empty(), Optional.empty())));
        assertTrue(fx(stage::getTitle).startsWith("⚠ 1 ALARM — " + TITLE), fx(stage::getTitle));
        fx(() -> model.alarms.update(new AlarmBoard.Alarm(1, Instant.now(), "breach", 0.25, "QBER 25 %",
                Optional.of("operator"), Optional.of(Instant.now()))));
        assertEquals(TITLE, fx(stage::getTitle), "acknowledged, the title is plain again");
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }
}
