package qstcs.console;

import javafx.stage.Stage;

/**
 * Makes an open alarm hard to miss: the window title starts with "⚠ N ALARMS" while any alarm is
 * unacknowledged, and a newly raised one brings the window forward (the window manager marks the
 * taskbar entry when it does not grant focus) and, if the operator chose, sounds ({@link AlarmBell}).
 */
final class AlarmAttention {
    private AlarmAttention() {
    }

    static void watch(Stage stage, ConsoleModel model, AlarmBell bell) {
        String base = stage.getTitle() == null ? "QSTCS SOC console" : stage.getTitle();
        // Set, not bound: other code may still title the window (a bound title would throw there).
        Runnable title = () -> {
            if (stage.titleProperty().isBound()) {
                return; // a window whose title another view owns (a docked layout) keeps it
            }
            int open = model.alarms.unacknowledged().get();
            stage.setTitle(open == 0 ? base : "⚠ " + open + (open == 1 ? " ALARM — " : " ALARMS — ") + base);
        };
        model.alarms.unacknowledged().addListener((obs, old, n) -> title.run());
        title.run();
        model.alarmsRaisedProperty().addListener((obs, old, n) -> {
            if (!stage.isFocused()) {
                stage.toFront();
            }
            bell.alarmRaised();
        });
    }
}
