package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A traced 32-qubit round exposes every step, and the trace is consistent with the physics. */
class TracedRoundTest {

    @Test
    void thirtyTwoQubitRoundExposesEveryStep() {
        RoundConfig config = RoundConfig.defaults().withQubits(32).withEve(0.5).withNoise(0.05)
                .withSampleFraction(0.25).withTraced(true);
        RoundResult r = LinkRound.run(config, QkdRandom.seeded(11));
        RoundTrace t = r.trace().orElseThrow();
        assertEquals(32, t.qubits().size());
        List<Integer> sifted = new ArrayList<>();
        int eveActed = 0;
        for (QubitTrace q : t.qubits()) {
            assertEquals(q.aliceBasis() == q.bobBasis(), q.sifted(), "sift mask = matching bases");
            if (q.sifted()) {
                sifted.add(q.index());
            }
            if (q.eveBasis().isPresent()) {
                eveActed++;
            }
            if (q.eveBasis().isEmpty() && q.sifted() && !q.differs()) {
                assertEquals(q.aliceBit(), q.bobResult());
            }
        }
        assertTrue(eveActed > 0, "Eve acted on some qubits");
        assertEquals(sifted, t.siftedPositions());
        assertEquals(r.stats().sifted(), sifted.size());
        assertEquals(r.stats().sampleSize(), t.samplePositions().size());
        assertEquals(sifted.size() - t.samplePositions().size(), t.keyPositions().size());
        for (int p : t.samplePositions()) {
            assertTrue(t.qubits().get(p).sampled() && t.qubits().get(p).sifted());
        }
        // The reconciled key is Alice's bits at the key positions.
        assertEquals(t.keyPositions().size(), t.reconciledKey().size());
        for (int i = 0; i < t.keyPositions().size(); i++) {
            assertEquals(t.qubits().get(t.keyPositions().get(i)).aliceBit(), t.reconciledKey().get(i));
        }
        // Every error in the key was corrected, and only errors were.
        List<Integer> errors = new ArrayList<>();
        for (int p : t.keyPositions()) {
            if (t.qubits().get(p).differs()) {
                errors.add(p);
            }
        }
        List<Integer> corrected = t.qubits().stream().filter(QubitTrace::corrected).map(QubitTrace::index).toList();
        if (r.stats().abortReason() != AbortReason.QBER_ABOVE_THRESHOLD) {
            assertEquals(errors, corrected);
        }
        assertEquals(r.key().length(), t.finalKey().size());
        for (int i = 0; i < t.finalKey().size(); i++) {
            assertEquals(r.key().bit(i), t.finalKey().get(i));
        }
    }

    @Test
    void tracedRoundWithAKeyRecordsTheFinalKey() {
        // 4096 qubits leave a key only with a larger test share, little noise and weaker ε (the
        // bound is strict, and 256 bits pay for the round's authentication).
        RoundConfig config = RoundConfig.defaults().withQubits(4096).withNoise(0.005).withSampleFraction(0.25)
                .withEpsilons(1e-3, 1e-6).withTraced(true);
        RoundResult r = LinkRound.run(config, QkdRandom.seeded(12));
        RoundTrace t = r.trace().orElseThrow();
        assertEquals(AbortReason.NONE, r.stats().abortReason(), r.stats().toString());
        assertTrue(t.finalKey().size() > 0);
        assertEquals(r.key().length(), t.finalKey().size());
        for (int i = 0; i < t.finalKey().size(); i++) {
            assertEquals(r.key().bit(i), t.finalKey().get(i));
        }
        assertEquals(t.corrections().size(),
                t.keyPositions().stream().filter(p -> t.qubits().get(p).differs()).count());
    }
}
