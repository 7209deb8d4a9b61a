/**
 * The soldier's chat window ({@code ./qstcs chat}): a join view, the contact list with presence,
 * the conversation with delivery ticks, and a status bar for the quantum link. The window only
 * adapts {@link qstcs.client.SecureChatSession} events to JavaFX properties; all network and
 * cryptography stay in {@code qstcs.client}, off the FX thread.
 */
package qstcs.chat;
