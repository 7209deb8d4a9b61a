package qstcs.console.visualiser;

import qstcs.crypto.qkd.QubitTrace;
import qstcs.crypto.qkd.RoundTrace;

/**
 * The tallies the visualiser prints beside the table, derived from a trace: an "error" is a
 * sifted position where Bob's raw result differs from Alice's bit.
 */
public record RoundCounts(int qubits, int intercepted, int sifted, int sampled, int sampleErrors,
                          int keyBits, int keyErrors, int corrections) {

    static RoundCounts of(RoundTrace trace) {
        int intercepted = 0, sifted = 0, sampled = 0, sampleErrors = 0, keyErrors = 0;
        for (QubitTrace q : trace.qubits()) {
            if (q.eveBasis().isPresent()) {
                intercepted++;
            }
            if (!q.sifted()) {
                continue;
            }
            sifted++;
            if (q.sampled()) {
                sampled++;
                sampleErrors += q.differs() ? 1 : 0;
            } else {
                keyErrors += q.differs() ? 1 : 0;
            }
        }
        return new RoundCounts(trace.qubits().size(), intercepted, sifted, sampled, sampleErrors,
                trace.keyPositions().size(), keyErrors, trace.corrections().size());
    }

    /** Errors among all sifted bits (sample and key), the figure the "errors" tally shows. */
    public int siftedErrors() {
        return sampleErrors + keyErrors;
    }
}
