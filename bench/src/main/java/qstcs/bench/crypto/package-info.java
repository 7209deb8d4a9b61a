/**
 * {@code ./qstcs bench crypto}: sealing, opening and the hybrid ML-KEM handshake, timed in one JVM.
 */
package qstcs.bench.crypto;
