/**
 * The UI-free client SDK of a soldier's device: OkHttp clients for the KMS (HTTP, long-poll, SSE)
 * and the relay (WebSocket), and {@link qstcs.client.SecureChatSession}, which turns them into an
 * end-to-end encrypted conversation that survives relay restarts and re-keys itself after a breach.
 * Nothing here imports JavaFX: windows, tests and the headless demo observe sessions through plain
 * Java listeners.
 */
package qstcs.client;
