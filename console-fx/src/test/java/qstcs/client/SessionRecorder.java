package qstcs.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** Records what a session reports, for assertions; every read is synchronized with the session thread's writes. */
final class SessionRecorder implements SessionListener {
    /** A state change and when it was seen (nanoTime). */
    record StateChange(ConnectionState state, String message, long atNanos) {
    }

    private final List<StateChange> states = new ArrayList<>();
    /** Text of the messages {@link #settle} sends; never counted as received. */
    private static final String MARKER = "settle-marker ";
    private final List<ChatMessage> received = new ArrayList<>();
    private final List<String> markers = new ArrayList<>();
    private final List<ClientException> problems = new ArrayList<>();
    private final List<String> keyIds = new ArrayList<>();
    private final List<java.time.Duration> retries = new ArrayList<>();
    private final Map<String, DeliveryState> delivery = new ConcurrentHashMap<>();
    private final Map<String, List<DeliveryState>> deliveryHistory = new ConcurrentHashMap<>();

    @Override
    public synchronized void connectionChanged(ConnectionState state, String message) {
        states.add(new StateChange(state, message, System.nanoTime()));
    }

    @Override
    public synchronized void keyChanged(String peer, String keyId, boolean hybrid) {
        keyIds.add(keyId);
    }

    @Override
    public synchronized void messageAdded(ChatMessage message) {
        if (message.outgoing()) {
            deliveryChanged(message.id(), message.delivery());
        } else if (message.text().startsWith(MARKER)) {
            markers.add(message.text());
        } else {
            received.add(message);
        }
    }

    @Override
    public void deliveryChanged(String messageId, DeliveryState state) {
        delivery.put(messageId, state);
        deliveryHistory.computeIfAbsent(messageId, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(state);
    }

    @Override
    public synchronized void problem(ClientException problem) {
        problems.add(problem);
    }

    synchronized List<ChatMessage> received() {
        return List.copyOf(received);
    }

    synchronized List<String> receivedTexts() {
        return received.stream().map(ChatMessage::text).toList();
    }

    synchronized List<StateChange> states() {
        return List.copyOf(states);
    }

    synchronized List<ClientException> problems() {
        return List.copyOf(problems);
    }

    @Override
    public synchronized void retryScheduled(java.time.Duration delay) {
        retries.add(delay);
    }

    synchronized List<java.time.Duration> retries() {
        return new ArrayList<>(retries);
    }

    synchronized List<String> keyIds() {
        return List.copyOf(keyIds);
    }

    DeliveryState delivery(String id) {
        return delivery.get(id);
    }

    List<DeliveryState> deliveryHistory(String id) {
        return List.copyOf(deliveryHistory.getOrDefault(id, List.of()));
    }

    /** When the session first entered {@code state} after {@code sinceNanos}, or -1. */
    synchronized long firstEntered(ConnectionState state, long sinceNanos) {
        return states.stream().filter(s -> s.state() == state && s.atNanos() >= sinceNanos)
                .mapToLong(StateChange::atNanos).findFirst().orElse(-1);
    }

    /**
     * Sends a marker from {@code from} to {@code to} and waits until {@code receiver} (the
     * recorder of {@code to}) shows it. Frames between two devices arrive in order, so whatever
     * {@code from} sent before (a duplicate included) has then been shown or dropped: what the
     * receiver shows now is final, without waiting "long enough".
     */
    static void settle(SecureChatSession from, String to, SessionRecorder receiver) {
        String marker = MARKER + java.util.UUID.randomUUID();
        from.send(to, marker);
        await(Duration.ofSeconds(30), "the marker from " + from.deviceId() + " arrived",
                () -> receiver.markersSeen().contains(marker));
    }

    private synchronized List<String> markersSeen() {
        return List.copyOf(markers);
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }
}
