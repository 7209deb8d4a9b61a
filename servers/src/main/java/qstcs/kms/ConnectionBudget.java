package qstcs.kms;

import java.lang.management.ManagementFactory;

/**
 * How many connections each KMS listener may hold, from what a connection costs: every
 * connection, idle or not, keeps its buffers and its virtual thread's stack in the heap, so a cap
 * that ignores the heap lets a crowd of idle clients end the KMS with {@code OutOfMemoryError}.
 * <p>The rule: {@code cap × (TLS_CONNECTION_BYTES + PLAIN_CONNECTION_BYTES) ≤ HEAP_SHARE_PERCENT
 * % of the maximum heap}, the same cap on both listeners, and no more than the process's
 * descriptors allow for both ({@code 2 × cap ≤ limit − DESCRIPTORS_KEPT}) nor than {@link #MOST}.
 * With the launcher's 256 MiB heap that is 2,094 per listener; {@code -Xmx2400m} gives 20,000.
 * The other half of the heap is the KMS's own: key pools, the link history, requests in progress
 * and the collector's room.
 */
final class ConnectionBudget {

    /**
     * Heap a TLS connection may cost. Measured (live heap after a full collection, blocking
     * sockets, compact object headers): 32.6 KiB kept alive after a request — 8 KiB Helidon read
     * buffer, about 8 KiB of the JDK's {@code SSLSocket} buffers, a 10 KiB virtual-thread stack,
     * the session and ciphers — and 13.6 KiB before its handshake; the rest is margin for a
     * request in progress.
     */
    static final long TLS_CONNECTION_BYTES = 40 * 1024;
    /** Heap a plain connection may cost: measured 15.4 KiB kept alive (8 KiB read buffer, 4 KiB stack). */
    static final long PLAIN_CONNECTION_BYTES = 20 * 1024;
    /** Share of the maximum heap all connections of both listeners together may take. */
    static final int HEAP_SHARE_PERCENT = 50;
    /** Descriptors kept for everything else: the database, logs, the JDK's own files, outgoing connections. */
    static final int DESCRIPTORS_KEPT = 512;
    /** Most connections a listener holds however large the heap: the machine's usual descriptor limit. */
    static final int MOST = 20_000;
    /** Fewest, however small the heap: a KMS that cannot hold a few dozen clients is not serving. */
    static final int FEWEST = 32;

    private ConnectionBudget() {
    }

    /** The cap for this JVM: its maximum heap and its descriptor limit. */
    static int capPerListener() {
        return capPerListener(Runtime.getRuntime().maxMemory(), descriptorLimit());
    }

    /** The cap for {@code maxHeapBytes} of heap and {@code descriptorLimit} descriptors (0 or less: unknown). */
    static int capPerListener(long maxHeapBytes, long descriptorLimit) {
        long byHeap = maxHeapBytes / 100 * HEAP_SHARE_PERCENT / (TLS_CONNECTION_BYTES + PLAIN_CONNECTION_BYTES);
        long byDescriptors = descriptorLimit > 0 ? (descriptorLimit - DESCRIPTORS_KEPT) / 2 : MOST;
        return (int) Math.clamp(Math.min(byHeap, byDescriptors), FEWEST, MOST);
    }

    /** How this JVM's cap came about, for the start-up banner. */
    static String describe() {
        long limit = descriptorLimit();
        return String.format(java.util.Locale.ROOT,
                "%d%% of the %d MiB heap at %d KiB per TLS and %d KiB per plain connection%s",
                HEAP_SHARE_PERCENT, Runtime.getRuntime().maxMemory() / (1024 * 1024), TLS_CONNECTION_BYTES / 1024,
                PLAIN_CONNECTION_BYTES / 1024, limit > 0 ? ", " + limit + " descriptors" : "");
    }

    /** The process's descriptor limit (the JVM raises the soft limit to the hard one at start), or -1. */
    static long descriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }
}
