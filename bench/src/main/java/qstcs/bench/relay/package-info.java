/**
 * {@code ./qstcs bench relay}: a load generator for the relay. It starts the real relay as its own
 * process (so its CPU time and memory can be read from {@code /proc}) and drives it with many
 * sender/receiver pairs over real WebSockets, measuring throughput, end-to-end latency, server CPU
 * per message and the memory of thousands of idle connections. {@code ./qstcs bench relay-floor}
 * ({@link qstcs.bench.relay.RelayFloorBench}) puts a null relay under the same steady load: what
 * the system calls alone cost, without TLS, WebSocket or routing.
 */
package qstcs.bench.relay;
