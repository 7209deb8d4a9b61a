package qstcs.relay;

import java.util.concurrent.atomic.LongAdder;

/** Counters shown by {@code GET /stats} and {@code /observe/metrics}; all but {@link #lentBytes} only ever grow. */
final class RelayStats {
    /** WebSocket connections accepted. */
    final LongAdder connections = new LongAdder();
    /** Text and binary messages received from clients. */
    final LongAdder framesIn = new LongAdder();
    /** Client frames written to a recipient (a frame to everyone counts once per recipient). */
    final LongAdder framesRelayed = new LongAdder();
    /** Client frames put into an offline queue. */
    final LongAdder framesQueued = new LongAdder();
    /** Queued frames lost: queue overflow, TTL, relay storage full, or flushed on RED. */
    final LongAdder framesDropped = new LongAdder();
    /** Error frames sent to clients. */
    final LongAdder errors = new LongAdder();
    /** Registrations that replaced an older connection with the same id. */
    final LongAdder replaced = new LongAdder();
    /** Times the relay cut every session because the link turned RED. */
    final LongAdder linkCuts = new LongAdder();
    /** Clients closed because they stopped reading (outbound backlog over the limit). */
    final LongAdder slowClosed = new LongAdder();
    /** Sessions refused (link frame, close 4403) because the link was RED when they opened. */
    final LongAdder refused = new LongAdder();
    /** Heap the event loop has lent its connections for bytes in flight, now (it goes up and down). */
    final LongAdder lentBytes = new LongAdder();
    /** Connections cut because they held lent buffers longest when a loan would pass the budget. */
    final LongAdder lentCuts = new LongAdder();
}
