package qstcs.console;

/** Where the console's alarm sound goes: a real sound device, or a test's recorder. */
@FunctionalInterface
interface AlarmSound {
    /** Starts the sound and returns at once; a machine without audio stays silent. */
    void play();
}
