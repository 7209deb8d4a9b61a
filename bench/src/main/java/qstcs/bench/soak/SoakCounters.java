package qstcs.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened during the soak, counted by every activity: the legitimate traffic's outcomes
 * (a failure here fails the run), the operator's attacks and the hostile client's work. Also the
 * attack windows: from {@code force_attack} until the link is GREEN again and the chat sessions
 * had time to come back, when lost round trips and refused sessions are expected.
 */
final class SoakCounters {

    /** After a reset, this long for sessions to reconnect and keys to be fetched again. */
    private static final long RECOVERY_NANOS = 15_000_000_000L;

    final LongAdder roundTrips = new LongAdder();
    /** Round trips with no answer within 5 s outside an attack window. */
    final LongAdder lost = new LongAdder();
    /** Round trips cut by an attack (RED closes every session and revokes every key). */
    final LongAdder interrupted = new LongAdder();
    /** Frames whose tag did not verify under the key they named. */
    final LongAdder openFailures = new LongAdder();
    /** Key requests (or other legitimate calls) that failed outside an attack window. */
    final LongAdder legitimateErrors = new LongAdder();
    final LongAdder attacks = new LongAdder();
    final LongAdder churnOk = new LongAdder();
    final LongAdder churnFailed = new LongAdder();
    final LongAdder floodConnections = new LongAdder();
    final LongAdder floodCut = new LongAdder();
    final LongAdder hostileFrames = new LongAdder();
    final LongAdder refusals = new LongAdder();
    /** 5xx answers to anyone: the servers must answer bad input with 4xx. */
    final LongAdder serverErrors = new LongAdder();

    private final List<long[]> attackWindows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    synchronized void attackStarted() {
        attackWindows.add(new long[] {System.nanoTime(), Long.MAX_VALUE});
    }

    /** The link is GREEN again; the window closes once sessions have had time to reconnect. */
    synchronized void attackEnded() {
        attackWindows.getLast()[1] = System.nanoTime() + RECOVERY_NANOS;
    }

    /** Whether [from, to] (System.nanoTime) overlaps an attack window. */
    synchronized boolean duringAttack(long from, long to) {
        for (long[] w : attackWindows) {
            if (from <= w[1] && to >= w[0]) {
                return true;
            }
        }
        return false;
    }

    /** A legitimate operation failed outside an attack window: the run fails, with this reason listed. */
    synchronized void failure(String what) {
        if (failures.size() < 20) {
            failures.add(what);
        }
    }

    synchronized List<String> failures() {
        return List.copyOf(failures);
    }
}
