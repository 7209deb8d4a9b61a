/**
 * Key material for chat: {@link qstcs.crypto.keys.SecretBytes} (the only holder of secret bytes),
 * HKDF-SHA256 through the JDK {@code javax.crypto.KDF} API ({@link qstcs.crypto.keys.Hkdf}), and
 * the hybrid ML-KEM-768 + QKD handshake ({@link qstcs.crypto.keys.HybridHandshake}) that makes a
 * session key a compromised KMS cannot compute. Everything here is pure JDK 25.
 */
package qstcs.crypto.keys;
