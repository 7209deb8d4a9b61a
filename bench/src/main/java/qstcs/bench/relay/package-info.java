/**
 * {@code ./qstcs bench relay}: a load generator for the relay. It starts the real relay as its own
 * process (so its CPU time and memory can be read from {@code /proc}) and drives it with many
 * sender/receiver pairs over real WebSockets, measuring throughput, end-to-end latency, server CPU
 * per message and the memory of thousands of idle connections.
 */
package qstcs.bench.relay;
