package qstcs.crypto.qkd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import qstcs.crypto.link.LinkColour;

/**
 * One round of the simulated BB84 link, composed of the eight steps of docs/bb84-engine.md:
 * {@link Transmission}, {@link Sifting}, {@link ParameterEstimation} (per basis), the abort
 * test, {@link Cascade}, {@link Verification}, {@link PrivacyAmplification} with the
 * {@link FiniteKey} length, and the result. Randomness comes from the caller's
 * {@link QkdRandom}, keyed afresh for each round: {@link QkdRandom#secure()} in production, a
 * fixed seed in tests (the same seed gives the same round).
 */
public final class LinkRound {

    /**
     * Estimated QBER at or above which a round aborts as a breach: the link's RED threshold,
     * just above the last tolerated-QBER bin of {@link FiniteKey}.
     */
    public static final double ABORT_QBER = LinkColour.RED_QBER;

    private LinkRound() {
    }

    public static RoundResult run(RoundConfig config, QkdRandom random) {
        RoundRandomness r = random.nextRound();
        try {
            return run(config, r);
        } finally {
            r.destroy();
        }
    }

    private static RoundResult run(RoundConfig config, RoundRandomness random) {
        long start = System.nanoTime();
        BasisChoice bases = BasisChoice.forTestShare(config.sampleFraction());
        QubitExchange exchange = Transmission.run(config.qubits(), bases, config.noise(), config.eveInterceptRate(),
                random);
        boolean eveActive = anySet(exchange.eveActed());
        SiftedKeys sifted = Sifting.sift(exchange);
        ParameterEstimate estimate = ParameterEstimation.estimate(sifted);
        int k = estimate.sampleSize();
        int n = estimate.alice().length();
        if (k < 1 || n < 1) {
            RoundStats stats = new RoundStats(config.qubits(), sifted.length(), k, Double.NaN, Double.NaN, 0,
                    Double.NaN, 0, since(start), AbortReason.TOO_FEW_BITS, eveActive, Double.NaN);
            return finish(config, stats, KeyBits.empty(), exchange, sifted, estimate, null, null);
        }
        double trueQber = (double) estimate.alice().hammingDistance(estimate.bob()) / n;
        java.util.OptionalDouble bin = FiniteKey.toleratedQber(estimate.sampleErrors(), k);
        if (bin.isEmpty()) {
            RoundStats stats = new RoundStats(config.qubits(), sifted.length(), k, estimate.qber(),
                    trueQber, 0, Double.NaN, 0, since(start), AbortReason.QBER_ABOVE_THRESHOLD, eveActive, Double.NaN);
            return finish(config, stats, KeyBits.empty(), exchange, sifted, estimate, null, null);
        }
        double tolerated = bin.getAsDouble();
        Reconciliation rec = Cascade.reconcile(estimate.alice(), estimate.bob(), estimate.qber(), config.cascade(),
                random.secret(), config.traced());
        double hq = FiniteKey.binaryEntropy(trueQber);
        double efficiency = hq > 0 ? rec.leakedBits() / (n * hq) : Double.NaN;
        boolean verified = Verification.keysMatch(estimate.alice(), rec.bob(), config.epsilonCor(), random.secret());
        if (!verified) {
            RoundStats stats = new RoundStats(config.qubits(), sifted.length(), k, estimate.qber(), trueQber,
                    rec.leakedBits(), efficiency, 0, since(start), AbortReason.VERIFICATION_FAILED, eveActive, tolerated);
            return finish(config, stats, KeyBits.empty(), exchange, sifted, estimate, rec, null);
        }
        int length = FiniteKey.secretLength(n, k, tolerated, rec.leakedBits(), config.epsilonSec(), config.epsilonCor());
        if (length == 0) {
            RoundStats stats = new RoundStats(config.qubits(), sifted.length(), k, estimate.qber(), trueQber,
                    rec.leakedBits(), efficiency, 0, since(start), AbortReason.NO_SECRET_KEY, eveActive, tolerated);
            return finish(config, stats, KeyBits.empty(), exchange, sifted, estimate, rec, null);
        }
        BitString finalBits = PrivacyAmplification.amplify(estimate.alice(), length, random.secret());
        KeyBits key = KeyBits.of(finalBits);
        RoundStats stats = new RoundStats(config.qubits(), sifted.length(), k, estimate.qber(), trueQber,
                rec.leakedBits(), efficiency, length, since(start), AbortReason.NONE, eveActive, tolerated);
        return finish(config, stats, key, exchange, sifted, estimate, rec, finalBits);
    }

    private static RoundResult finish(RoundConfig config, RoundStats stats, KeyBits key, QubitExchange exchange,
                                      SiftedKeys sifted, ParameterEstimate estimate, Reconciliation rec,
                                      BitString finalBits) {
        Optional<RoundTrace> trace = config.traced()
                ? Optional.of(trace(exchange, sifted, estimate, rec, finalBits))
                : Optional.empty();
        // Key material of this round now lives only in `key` (and a traced round's display copy).
        wipe(exchange.aliceBits(), exchange.bobResults());
        sifted.alice().wipe();
        sifted.bob().wipe();
        if (estimate != null) {
            estimate.alice().wipe();
            estimate.bob().wipe();
        }
        if (rec != null) {
            rec.bob().wipe();
        }
        if (finalBits != null) {
            finalBits.wipe();
        }
        return new RoundResult(stats, key, trace);
    }

    private static RoundTrace trace(QubitExchange x, SiftedKeys sifted, ParameterEstimate estimate,
                                    Reconciliation rec, BitString finalBits) {
        int qubits = x.qubits();
        List<Integer> siftedPositions = setBits(sifted.siftMask(), qubits);
        List<Integer> samplePositions = new ArrayList<>();
        List<Integer> keyPositions = new ArrayList<>();
        if (estimate != null) {
            for (int i = 0; i < siftedPositions.size(); i++) {
                boolean sampled = ((estimate.sampleMask()[i >>> 6] >>> i) & 1L) != 0;
                (sampled ? samplePositions : keyPositions).add(siftedPositions.get(i));
            }
        }
        List<Integer> corrections = new ArrayList<>();
        if (rec != null) {
            for (int c : rec.corrections()) {
                corrections.add(keyPositions.get(c));
            }
        }
        boolean[] sampledQubit = new boolean[qubits];
        samplePositions.forEach(q -> sampledQubit[q] = true);
        boolean[] correctedQubit = new boolean[qubits];
        corrections.forEach(q -> correctedQubit[q] ^= true);
        List<QubitTrace> records = new ArrayList<>(qubits);
        for (int i = 0; i < qubits; i++) {
            int w = i >>> 6;
            boolean eve = ((x.eveActed()[w] >>> i) & 1L) != 0;
            records.add(new QubitTrace(i, (int) ((x.aliceBits()[w] >>> i) & 1L), Basis.of(x.aliceBases()[w], i),
                    eve ? Optional.of(Basis.of(x.eveBases()[w], i)) : Optional.empty(),
                    Basis.of(x.bobBases()[w], i), (int) ((x.bobResults()[w] >>> i) & 1L),
                    ((sifted.siftMask()[w] >>> i) & 1L) != 0, sampledQubit[i], correctedQubit[i]));
        }
        List<Integer> reconciled = estimate == null ? List.of() : bitsOf(estimate.alice());
        List<Integer> finalKey = finalBits == null ? List.of() : bitsOf(finalBits);
        return new RoundTrace(records, siftedPositions, samplePositions, keyPositions, corrections, reconciled,
                finalKey);
    }

    private static void wipe(long[]... arrays) {
        for (long[] a : arrays) {
            java.util.Arrays.fill(a, 0L);
        }
    }

    private static List<Integer> setBits(long[] mask, int limit) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            if (((mask[i >>> 6] >>> i) & 1L) != 0) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<Integer> bitsOf(BitString bits) {
        List<Integer> out = new ArrayList<>(bits.length());
        for (int i = 0; i < bits.length(); i++) {
            out.add(bits.bit(i));
        }
        return out;
    }

    private static boolean anySet(long[] words) {
        for (long w : words) {
            if (w != 0) {
                return true;
            }
        }
        return false;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
