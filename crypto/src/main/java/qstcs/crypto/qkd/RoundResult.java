package qstcs.crypto.qkd;

import java.util.Optional;

/**
 * What a round hands to its caller: statistics, the final key (length 0 when aborted) and,
 * for traced rounds, the per-qubit trace.
 */
public record RoundResult(RoundStats stats, KeyBits key, Optional<RoundTrace> trace) {

    public RoundResult {
        if (stats == null || key == null || trace == null) {
            throw new IllegalArgumentException("stats, key and trace must not be null");
        }
    }
}
