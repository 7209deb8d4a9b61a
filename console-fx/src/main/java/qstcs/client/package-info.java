/**
 * The UI-free client SDK. For a soldier's device: {@link qstcs.client.SecureChatSession}, an
 * I/O actor around the pure {@code SessionCore}, which turns a {@link qstcs.client.KeySource}
 * and the relay into an end-to-end encrypted conversation that survives relay restarts and
 * re-keys itself after a breach, and {@link qstcs.client.DeviceIdentity}, the device's identity
 * key and what it remembers of its peers' keys. For an operator: the KMS operator calls, the KMS event stream
 * and the relay's statistics. Nothing here imports JavaFX; every failure is a
 * {@link qstcs.client.ClientException} in plain words.
 */
package qstcs.client;
