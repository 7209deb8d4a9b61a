/**
 * The quantum link's public state as every component reads it: its colour and thresholds
 * ({@link qstcs.crypto.link.LinkColour}) and the {@code /link_status} object with its one writer
 * and one parser ({@link qstcs.crypto.link.LinkStatus}). The KMS writes it, the relay, the router
 * guard, the chat client and the console read it.
 */
package qstcs.crypto.link;
