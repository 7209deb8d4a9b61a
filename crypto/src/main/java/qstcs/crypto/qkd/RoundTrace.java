package qstcs.crypto.qkd;

import java.util.List;

/**
 * Everything a traced round did, step by step, for the BB84 visualiser. Traced rounds are
 * small (≤ 4096 qubits) demonstration rounds: their key must never be used as key material.
 * A round this small usually ends with ℓ = 0 (the finite-key bound needs thousands of bits),
 * so the reconciled key is recorded as well.
 *
 * @param qubits            per-qubit record of transmission, sifting, sampling and correction
 * @param siftedPositions   qubit index of each sifted bit, in order (the sift mask)
 * @param samplePositions   qubit indices disclosed for parameter estimation, ascending
 * @param keyPositions      qubit index of each key bit entering Cascade, in order
 * @param corrections       qubit indices whose bit Bob flipped during Cascade, in order
 * @param reconciledKey     Alice's key after sampling (0/1 per bit), which Bob's equals after Cascade
 * @param finalKey          final key bits (0/1) after privacy amplification; empty when ℓ = 0
 */
public record RoundTrace(List<QubitTrace> qubits, List<Integer> siftedPositions, List<Integer> samplePositions,
                         List<Integer> keyPositions, List<Integer> corrections, List<Integer> reconciledKey,
                         List<Integer> finalKey) {

    public RoundTrace {
        qubits = List.copyOf(qubits);
        siftedPositions = List.copyOf(siftedPositions);
        samplePositions = List.copyOf(samplePositions);
        keyPositions = List.copyOf(keyPositions);
        corrections = List.copyOf(corrections);
        reconciledKey = List.copyOf(reconciledKey);
        finalKey = List.copyOf(finalKey);
    }

    @Override
    public String toString() {
        return "RoundTrace[" + qubits.size() + " qubits, " + siftedPositions.size() + " sifted, "
                + samplePositions.size() + " sampled, " + corrections.size() + " corrections, "
                + finalKey.size() + " final bits]";
    }
}
