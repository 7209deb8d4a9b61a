package qstcs.console;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * Whether a new alarm is also heard: off until the operator switches it on (a console in a shared
 * room must not start sounding by itself), and then one {@link AlarmSound} per alarm raised. The
 * alarm list's check box and the menu's item both edit {@link #soundOnProperty()}.
 */
final class AlarmBell {
    private final BooleanProperty soundOn = new SimpleBooleanProperty(this, "soundOn", false);
    private final AlarmSound sound;

    AlarmBell(AlarmSound sound) {
        this.sound = sound;
    }

    BooleanProperty soundOnProperty() {
        return soundOn;
    }

    /** A new alarm was raised: plays the sound if the operator asked for it. */
    void alarmRaised() {
        if (soundOn.get()) {
            sound.play();
        }
    }
}
