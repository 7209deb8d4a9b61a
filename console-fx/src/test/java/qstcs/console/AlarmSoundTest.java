package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
import javafx.scene.control.CheckMenuItem;
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
 * The alarm sound is off until the operator switches it on, in the alarm list or the menu (one
 * setting, both show it), and then every new alarm asks for one sound. A recorder stands in for
 * the sound device; the model is fed directly and never started.
 */
@ExtendWith(ApplicationExtension.class)
class AlarmSoundTest {
    private final AtomicInteger played = new AtomicInteger();
    private ConsoleModel model;
    private ConsoleView view;

    @Start
    void start(Stage stage) {
        model = new ConsoleModel(new OkHttpClient(), HttpUrl.get("https://127.0.0.1:9"), Optional.empty(), Optional.empty());
        view = new ConsoleView(model, new Label("visualiser"), played::incrementAndGet);
        Scene scene = new Scene(view, 1100, 700);
        Theme.apply(scene);
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void theToggleDecidesWhetherANewAlarmSounds() throws Exception {
        CheckBox box = view.alarms.sound;
        CheckMenuItem menu = fx(this::menuItem);
        assertFalse(fx(box::isSelected), "off by default");
        assertFalse(fx(menu::isSelected));
        raiseAlarm();
        assertEquals(0, played.get(), "no sound while the toggle is off");

        fx(() -> {
            box.fire(); // what a click or Space on the check box does
            return null;
        });
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> fx(box::isSelected));
        assertTrue(fx(menu::isSelected), "the menu shows the same setting");
        raiseAlarm();
        assertEquals(1, played.get(), "one sound for the new alarm");

        fx(() -> {
            menu.setSelected(false); // switched off from the menu
            return null;
        });
        assertFalse(fx(box::isSelected));
        raiseAlarm();
        assertEquals(1, played.get(), "silent again");
    }

    @Test
    void theToneIsAudibleAndNeverClips() {
        byte[] pcm = AlarmTone.samples();
        assertTrue(pcm.length / 2.0 / AlarmTone.SAMPLE_RATE > 0.5, "long enough to notice");
        int peak = 0;
        for (int i = 0; i < pcm.length; i += 2) {
            peak = Math.max(peak, Math.abs((short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8))));
        }
        assertTrue(peak > Short.MAX_VALUE / 10 && peak < Short.MAX_VALUE, "peak " + peak);
    }

    private CheckMenuItem menuItem() {
        javafx.scene.control.MenuButton m = (javafx.scene.control.MenuButton) view.lookup("#consoleMenu");
        return (CheckMenuItem) m.getItems().stream().filter(i -> "menuAlarmSound".equals(i.getId())).findFirst().orElseThrow();
    }

    /** What the feed does on an {@code alarm} event for a new alarm. */
    private void raiseAlarm() throws Exception {
        fx(() -> {
            model.alarmsRaised.set(model.alarmsRaised.get() + 1);
            return null;
        });
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }
}
