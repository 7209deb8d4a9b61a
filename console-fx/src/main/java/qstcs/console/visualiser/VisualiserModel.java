package qstcs.console.visualiser;

import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.concurrent.Task;
import javafx.util.Duration;
import qstcs.crypto.qkd.FiniteKey;
import qstcs.crypto.qkd.LinkRound;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.crypto.qkd.RoundConfig;
import qstcs.crypto.qkd.RoundResult;
import qstcs.crypto.qkd.RoundStats;
import qstcs.crypto.qkd.RoundTrace;

/**
 * One traced demonstration round and how far it has been revealed. Changing the qubit count,
 * Eve or the noise runs a fresh round and starts again at {@link Bb84Stage#READY}. The round is
 * computed on the FX thread (64 qubits take microseconds); the at-scale comparison round of
 * 65,536 qubits runs in a background task.
 */
public final class VisualiserModel {
    public static final int MIN_QUBITS = 16;
    public static final int MAX_QUBITS = 64;
    /** The visualiser discloses a quarter of the sifted bits so a few sample marks are visible. */
    static final double SAMPLE_FRACTION = 0.25;
    static final Duration PLAY_STEP = Duration.millis(1400);

    private final IntegerProperty qubits = new SimpleIntegerProperty(this, "qubits", 32);
    private final BooleanProperty eveOn = new SimpleBooleanProperty(this, "eveOn", false);
    private final DoubleProperty noise = new SimpleDoubleProperty(this, "noise", 0.01);
    private final ReadOnlyObjectWrapper<RoundResult> round = new ReadOnlyObjectWrapper<>(this, "round");
    private final ReadOnlyObjectWrapper<RoundCounts> counts = new ReadOnlyObjectWrapper<>(this, "counts");
    private final ReadOnlyObjectWrapper<Bb84Stage> stage = new ReadOnlyObjectWrapper<>(this, "stage", Bb84Stage.READY);
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper(this, "caption");
    private final ReadOnlyBooleanWrapper playing = new ReadOnlyBooleanWrapper(this, "playing");
    private final ReadOnlyStringWrapper atScale = new ReadOnlyStringWrapper(this, "atScale", "");
    private final LongSupplier seeds;
    private final Executor background;
    private final Timeline player;
    private int atScaleRequest;

    /**
     * @param seeds      where each new round's seed comes from (fixed in tests, random in the app)
     * @param background runs the at-scale comparison round
     */
    public VisualiserModel(LongSupplier seeds, Executor background) {
        this(seeds, background, PLAY_STEP);
    }

    /** As above, with the pause between automatic steps of {@link #play()}. */
    public VisualiserModel(LongSupplier seeds, Executor background, Duration playStep) {
        this.seeds = seeds;
        this.background = background;
        player = new Timeline(new KeyFrame(playStep, e -> step()));
        player.setCycleCount(Timeline.INDEFINITE);
        qubits.addListener((obs, old, n) -> reset());
        eveOn.addListener((obs, old, on) -> reset());
        noise.addListener((obs, old, e) -> reset());
        reset();
    }

    // --- commands -------------------------------------------------------------------------------

    /** Reveals the next step; at the final key it stays there. */
    public void step() {
        stage.set(stage.get().next());
        caption.set(captionFor(stage.get()));
        if (stage.get() == Bb84Stage.FINAL_KEY) {
            pause();
        }
    }

    /** Goes back one step in the same round (a presenter re-explaining); at the start it stays there. */
    public void stepBack() {
        pause();
        stage.set(stage.get().previous());
        caption.set(captionFor(stage.get()));
    }

    /** Steps automatically until the final key; from the final key it replays the same round. */
    public void play() {
        if (stage.get() == Bb84Stage.FINAL_KEY) {
            stage.set(Bb84Stage.READY);
            caption.set(captionFor(Bb84Stage.READY));
        }
        playing.set(true);
        player.playFromStart();
    }

    public void pause() {
        player.stop();
        playing.set(false);
    }

    /** Runs a fresh round with the current settings and goes back to the start. */
    public void reset() {
        pause();
        RoundConfig config = RoundConfig.defaults()
                .withQubits(Math.clamp(qubits.get(), MIN_QUBITS, MAX_QUBITS))
                .withNoise(noise.get())
                .withEve(eveOn.get() ? 1.0 : 0.0)
                .withSampleFraction(SAMPLE_FRACTION)
                .withTraced(true);
        RoundResult result = LinkRound.run(config, QkdRandom.seeded(seeds.getAsLong()));
        round.set(result);
        counts.set(RoundCounts.of(trace()));
        stage.set(Bb84Stage.READY);
        caption.set(captionFor(Bb84Stage.READY));
        computeAtScale(config);
    }

    // --- captions -------------------------------------------------------------------------------

    /** One sentence per step, with this round's numbers. */
    String captionFor(Bb84Stage s) {
        RoundCounts c = counts.get();
        RoundStats st = round.get().stats();
        return switch (s) {
            case READY -> "A simulated BB84 round of " + c.qubits()
                    + " qubits is ready — press Step or Play to send it over the simulated quantum channel.";
            case ALICE -> "Alice draws a random bit and a random basis (+ or ×) for every qubit and sends its polarisation.";
            case EVE -> eveOn.get()
                    ? "Eve measures each qubit in a basis she guesses (" + c.intercepted()
                      + " intercepted) and resends what she saw — a wrong guess disturbs the qubit."
                    : "No eavesdropper on this round: only channel noise ("
                      + percent(noise.get()) + ") can flip a qubit on its way.";
            case BOB -> "Bob measures every qubit in his own random basis; where his basis differs from Alice's his bit is a coin toss.";
            case SIFTING -> "Alice and Bob compare bases in public and keep the " + c.sifted() + " of " + c.qubits()
                    + " positions where they match (✓); the rest are dropped (✗).";
            case SAMPLING -> st.sampleSize() == 0
                    ? "Too few sifted bits to sample, so this round ends without a key."
                    : "They disclose " + c.sampled() + " sifted bits (S) to estimate the error rate: "
                      + c.sampleErrors() + " wrong ⇒ estimated QBER " + percent(st.estimatedQber()) + ".";
            case CASCADE -> st.breach()
                    ? "Estimated QBER " + percent(st.estimatedQber()) + " ≥ 11 %: the round is aborted as a breach — the link would turn RED and no key is made."
                    : st.aborted() && st.sampleSize() == 0
                    ? "No reconciliation: the round already ended."
                    : "Cascade compares parities of blocks to find and flip Bob's wrong bits: "
                      + c.corrections() + " corrected, " + st.leakEc() + " parity bits disclosed.";
            case PRIVACY_AMPLIFICATION -> privacyCaption(st);
            case FINAL_KEY -> st.finalLength() > 0
                    ? "Alice and Bob now share " + st.finalLength() + " secret bits, simulated — demonstration data, never used as a key."
                    : "No secret key from this round" + (st.breach() ? " (breach): it was aborted, so no key bits exist."
                      : ": it was aborted because nothing would stay secret after privacy amplification, so no key bits are shown.");
        };
    }

    private String privacyCaption(RoundStats st) {
        if (st.breach() || st.sampleSize() == 0) {
            return "Nothing to amplify: the round was aborted before a key existed.";
        }
        int n = counts.get().keyBits();
        double mu = FiniteKey.mu(n, st.sampleSize(), RoundConfig.defaults().epsilonSec());
        return String.format(Locale.ROOT,
                "Toeplitz hashing shrinks the key to ℓ = n(1 − h(Q+μ)) − leak − log₂(2/ε_sec²ε_cor) with n = %d, μ = %.2f, leak = %d ⇒ ℓ = %d bits.",
                n, mu, st.leakEc(), st.finalLength());
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    private void computeAtScale(RoundConfig small) {
        int request = ++atScaleRequest;
        RoundConfig big = RoundConfig.defaults().withNoise(small.noise()).withEve(small.eveInterceptRate());
        atScale.set("");
        Task<RoundStats> task = new Task<>() {
            @Override
            protected RoundStats call() {
                updateTitle("At-scale BB84 round");
                return LinkRound.run(big, QkdRandom.secure()).stats();
            }
        };
        task.setOnSucceeded(e -> {
            if (request == atScaleRequest) {
                RoundStats st = task.getValue();
                atScale.set(st.breach()
                        ? String.format(Locale.ROOT, "At the KMS's %,d qubits these settings abort (QBER %s) — link RED.",
                                st.qubits(), percent(st.estimatedQber()))
                        : String.format(Locale.ROOT, "At the KMS's %,d qubits these settings give ℓ = %,d secret bits per round.",
                                st.qubits(), st.finalLength()));
            }
        });
        background.execute(task);
    }

    // --- properties -----------------------------------------------------------------------------

    public RoundTrace trace() {
        return round.get().trace().orElseThrow();
    }

    public IntegerProperty qubitsProperty() { return qubits; }
    public BooleanProperty eveOnProperty() { return eveOn; }
    /** Channel bit-flip probability e (a fraction). */
    public DoubleProperty noiseProperty() { return noise; }
    public ReadOnlyObjectProperty<RoundResult> roundProperty() { return round.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RoundCounts> countsProperty() { return counts.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Bb84Stage> stageProperty() { return stage.getReadOnlyProperty(); }
    public ReadOnlyStringProperty captionProperty() { return caption.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty playingProperty() { return playing.getReadOnlyProperty(); }
    /** What a full-size KMS round does with the same channel, for comparison (empty while computing). */
    public ReadOnlyStringProperty atScaleProperty() { return atScale.getReadOnlyProperty(); }
}
