package qstcs.server.http;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How many connections a server's listeners may each hold, from what a connection costs: every
 * connection, idle or not, keeps some heap for its whole life, so a cap that ignores the heap lets
 * a crowd of idle clients end the server with {@code OutOfMemoryError}. Each server states what
 * one connection of each of its listeners may cost, measured on that server (the KMS's blocking
 * TLS and plain sockets, the relay's event loop or Helidon's WebSocket).
 * <p>The rule: every listener gets the same cap, and
 * {@code cap × (sum of the listeners' per-connection bytes) ≤ HEAP_SHARE_PERCENT % of the maximum
 * heap}, no more than the process's descriptors allow for all of them
 * ({@code listeners × cap ≤ limit − DESCRIPTORS_KEPT}), between {@link #FEWEST} and {@link #MOST}.
 * The other half of the heap is the server's own: its state, requests and frames in progress, and
 * the collector's room. Of it, a server that lends connections buffers while they have bytes in
 * flight (the relay's event loop) lends at most {@link #IN_FLIGHT_SHARE_PERCENT} % of the heap at
 * once, so connections that keep a frame unfinished cannot take the rest.
 */
public final class ConnectionBudget {

    /** Share of the maximum heap the connections of all listeners together may take. */
    public static final int HEAP_SHARE_PERCENT = 50;
    /** Share of the maximum heap lent at once for bytes in flight: half of what the connections leave. */
    public static final int IN_FLIGHT_SHARE_PERCENT = (100 - HEAP_SHARE_PERCENT) / 2;
    /** Descriptors kept for everything else: databases, logs, the JDK's own files, outgoing connections. */
    public static final int DESCRIPTORS_KEPT = 512;
    /** Most connections a listener holds however large the heap: the machine's usual descriptor limit. */
    public static final int MOST = 20_000;
    /** Fewest, however small the heap: a server that cannot hold a few dozen clients is not serving. */
    public static final int FEWEST = 32;

    /**
     * What one connection of a listener may cost.
     *
     * @param name               how the banner names the connection ("TLS", "plain", "wss")
     * @param bytesPerConnection heap one connection may hold, idle or between requests
     */
    public record Listener(String name, long bytesPerConnection) {
        public Listener {
            if (bytesPerConnection <= 0) {
                throw new IllegalArgumentException("a connection costs some heap, was " + bytesPerConnection);
            }
        }
    }

    private final List<Listener> listeners;

    private ConnectionBudget(List<Listener> listeners) {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("a budget is for at least one listener");
        }
        this.listeners = List.copyOf(listeners);
    }

    /** The budget of a server whose listeners' connections cost what {@code listeners} say. */
    public static ConnectionBudget of(Listener... listeners) {
        return new ConnectionBudget(List.of(listeners));
    }

    /** The cap for this JVM: its maximum heap and its descriptor limit. */
    public int capPerListener() {
        return capPerListener(Runtime.getRuntime().maxMemory(), descriptorLimit());
    }

    /** The cap for {@code maxHeapBytes} of heap and {@code descriptorLimit} descriptors (0 or less: unknown). */
    public int capPerListener(long maxHeapBytes, long descriptorLimit) {
        long together = listeners.stream().mapToLong(Listener::bytesPerConnection).sum();
        long byHeap = maxHeapBytes * HEAP_SHARE_PERCENT / 100 / together;
        long byDescriptors = descriptorLimit > 0 ? (descriptorLimit - DESCRIPTORS_KEPT) / listeners.size() : MOST;
        return (int) Math.clamp(Math.min(byHeap, byDescriptors), FEWEST, MOST);
    }

    /** Bytes lent at once for bytes in flight with {@code maxHeapBytes} of heap ({@link #IN_FLIGHT_SHARE_PERCENT}). */
    public static long inFlightBytes(long maxHeapBytes) {
        return maxHeapBytes * IN_FLIGHT_SHARE_PERCENT / 100;
    }

    /** How this JVM's cap came about, for the start-up banner. */
    public String describe() {
        long limit = descriptorLimit();
        String costs = listeners.stream()
                .map(l -> (l.bytesPerConnection() / 1024) + " KiB per " + l.name())
                .collect(Collectors.joining(" and "));
        return String.format(Locale.ROOT, "%d%% of the %d MiB heap at %s connection%s",
                HEAP_SHARE_PERCENT, Runtime.getRuntime().maxMemory() / (1024 * 1024), costs,
                limit > 0 ? ", " + limit + " descriptors" : "");
    }

    /** The process's descriptor limit (the JVM raises the soft limit to the hard one at start), or -1. */
    public static long descriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }
}
