package qstcs.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import qstcs.client.ChatMessage;
import qstcs.client.ClientConfig;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.SecureChatSession;
import qstcs.client.SessionListener;

/**
 * One scripted soldier: a real {@link SecureChatSession} plus what the demo needs to judge each
 * act — received messages, delivery states and when the session first reported a compromise.
 */
final class DemoClient implements SessionListener, AutoCloseable {
    final String device;
    final String peer;
    final SecureChatSession session;
    final List<ChatMessage> received = new CopyOnWriteArrayList<>();
    final Map<String, DeliveryState> delivery = new ConcurrentHashMap<>();
    private volatile long compromisedAtNanos = -1;

    DemoClient(ClientConfig config, String peer) {
        this.device = config.deviceId();
        this.peer = peer;
        this.session = new SecureChatSession(config);
        session.addListener(this);
    }

    void start() {
        session.start(peer);
    }

    String send(String text) {
        return session.send(peer, text);
    }

    boolean online() {
        return session.state() == ConnectionState.ONLINE && session.keyId(peer).isPresent();
    }

    String keyId() {
        return session.keyId(peer).orElse(null);
    }

    boolean allDelivered(List<String> ids) {
        return ids.stream().allMatch(id -> delivery.get(id) == DeliveryState.DELIVERED);
    }

    /** Nanos timestamp of the first COMPROMISED report since the last {@link #clearCompromise()}. */
    long compromisedAtNanos() {
        return compromisedAtNanos;
    }

    void clearCompromise() {
        compromisedAtNanos = -1;
    }

    @Override
    public void connectionChanged(ConnectionState state, String message) {
        if (state == ConnectionState.COMPROMISED && compromisedAtNanos < 0) {
            compromisedAtNanos = System.nanoTime();
        }
    }

    @Override
    public void messageAdded(ChatMessage message) {
        if (message.outgoing()) {
            delivery.put(message.id(), message.delivery()); // before any later progress of this message
        } else {
            received.add(message);
        }
    }

    @Override
    public void deliveryChanged(String messageId, DeliveryState state) {
        delivery.put(messageId, state);
    }

    @Override
    public void close() {
        session.close();
    }
}
