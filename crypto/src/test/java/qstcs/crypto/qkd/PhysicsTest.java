package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Sifted QBER over ≥ 10^6 qubits against e + p·(1−2e)/4, within 3 standard errors. */
class PhysicsTest {

    private static final int QUBITS = 1 << 21;

    @Test
    void qberMatchesTheory() {
        double[][] cases = {{0, 0.01}, {1, 0}, {0.5, 0}, {0.25, 0.02}, {1, 0.02}};
        RandomGenerator rng = QkdRandom.seeded(2025);
        for (double[] c : cases) {
            double p = c[0];
            double e = c[1];
            SiftedKeys s = Sifting.sift(Transmission.run(QUBITS, e, p, rng));
            int n = s.length();
            double qber = (double) s.alice().hammingDistance(s.bob()) / n;
            double expected = e + p * (1 - 2 * e) / 4;
            double se = Math.sqrt(expected * (1 - expected) / n);
            assertTrue(Math.abs(qber - expected) <= 3 * se,
                    "p=" + p + " e=" + e + ": QBER " + qber + " vs " + expected + " ± 3·" + se);
            assertTrue(n > QUBITS / 2 - 5 * Math.sqrt(QUBITS) && n < QUBITS / 2 + 5 * Math.sqrt(QUBITS), "sifted " + n);
        }
    }
}
