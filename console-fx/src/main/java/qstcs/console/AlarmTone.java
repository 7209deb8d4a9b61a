package qstcs.console;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * The console's alarm sound: a short two-tone signal (three 880/660 Hz pairs, about one second)
 * generated as 16-bit PCM and played through the default sound device on a daemon thread, so
 * nothing needs to be bundled and the FX thread never waits for audio. Without a usable sound
 * device it falls back to the system beep, and without that it stays silent: the alarm list,
 * the banner and the window title still show the alarm.
 */
final class AlarmTone implements AlarmSound {
    static final float SAMPLE_RATE = 22_050;
    private static final double[] TONES_HZ = {880, 660, 880, 660, 880, 660};
    private static final double TONE_SECONDS = 0.16;
    private static final double GAP_SECONDS = 0.02;
    private static final double VOLUME = 0.35;
    private static final System.Logger LOG = System.getLogger(AlarmTone.class.getName());

    /** A sound already playing is not started again on top of itself. */
    private volatile boolean playing;

    @Override
    public void play() {
        if (playing) {
            return;
        }
        playing = true;
        Thread.ofPlatform().daemon(true).name("console-alarm-sound").start(() -> {
            try {
                playOnce();
            } finally {
                playing = false;
            }
        });
    }

    private static void playOnce() {
        byte[] pcm = samples();
        AudioFormat format = new AudioFormat(SAMPLE_RATE, 16, 1, true, false);
        try (SourceDataLine line = AudioSystem.getSourceDataLine(format)) {
            line.open(format);
            line.start();
            line.write(pcm, 0, pcm.length);
            line.drain();
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException noDevice) {
            LOG.log(System.Logger.Level.DEBUG, "no sound device for the alarm tone: " + noDevice.getMessage());
            beep();
        }
    }

    /** The signal as signed 16-bit little-endian mono PCM; each tone fades in and out to avoid clicks. */
    static byte[] samples() {
        int tone = (int) (SAMPLE_RATE * TONE_SECONDS);
        int gap = (int) (SAMPLE_RATE * GAP_SECONDS);
        int fade = tone / 10;
        byte[] out = new byte[TONES_HZ.length * (tone + gap) * 2];
        int i = 0;
        for (double hz : TONES_HZ) {
            for (int n = 0; n < tone; n++) {
                double envelope = Math.min(1, Math.min(n, tone - 1 - n) / (double) fade);
                short v = (short) (Math.sin(2 * Math.PI * hz * n / SAMPLE_RATE) * envelope * VOLUME * Short.MAX_VALUE);
                out[i++] = (byte) v;
                out[i++] = (byte) (v >> 8);
            }
            i += gap * 2; // silence
        }
        return out;
    }

    private static void beep() {
        try {
            if (!java.awt.GraphicsEnvironment.isHeadless()) {
                java.awt.Toolkit.getDefaultToolkit().beep();
            }
        } catch (RuntimeException | Error noSound) {
            // no audio at all: the alarm stays visible only
        }
    }
}
