package qstcs.chat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import qstcs.client.ChatHistory;
import qstcs.client.ChatMessage;
import qstcs.client.ClientConfig;
import qstcs.client.ClientException;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.DeviceIdentity;
import qstcs.client.Enrollment;
import qstcs.client.KmsClient;
import qstcs.client.PeerIdentities;
import qstcs.client.PeerKeyBook;
import qstcs.client.SecureChatSession;
import qstcs.client.SessionListener;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.SafetyNumber;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.EnrollmentUri;

/**
 * The chat window's state as JavaFX properties, and its commands (join, select, send). It owns the
 * {@link SecureChatSession} and turns its events into property changes on the FX thread; it holds
 * no Nodes. Every method here is called on the FX thread.
 *
 * <p>Its network work (enrollment, identity checks, the directory, closing a session) runs on
 * platform daemon threads, not virtual ones: the first socket read on a virtual thread starts the
 * JDK's I/O poller, which then sits in native code for the life of the JVM, and the JVM's exit
 * waits 300 ms for any thread in native code. That would delay closing the window (and, docked
 * in the console, the end of the whole demo) for nothing.
 */
public final class ChatModel {
    /** Which of the two screens the window shows. */
    public enum Screen { JOIN, CHAT }

    private final ReadOnlyObjectWrapper<Screen> screen = new ReadOnlyObjectWrapper<>(Screen.JOIN);
    private final ReadOnlyStringWrapper joinError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper deviceId = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ConnectionState> connection = new ReadOnlyObjectWrapper<>(ConnectionState.IDLE);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper("Not connected");
    /** Null until the key service has answered once. */
    private final ReadOnlyObjectWrapper<LinkColour> linkColor = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper qber = new ReadOnlyDoubleWrapper(Double.NaN);
    private final ReadOnlyStringWrapper keyId = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper pqc = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper compromised = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Contact> selected = new ReadOnlyObjectWrapper<>();
    private final ObservableList<Contact> contacts = FXCollections.observableArrayList();
    private final ObservableList<Contact> contactsView = FXCollections.unmodifiableObservableList(contacts);
    private final Map<String, MessageItem> outgoing = new HashMap<>();
    /** Messages shown, by sender and id: a retransmission after a restart is not shown twice. */
    private final java.util.Set<String> shown = new java.util.HashSet<>();
    private final ReadOnlyObjectWrapper<ChatStatus> status = new ReadOnlyObjectWrapper<>(ChatStatus.INITIAL);
    private final ReadOnlyIntegerWrapper undelivered = new ReadOnlyIntegerWrapper(0);
    private LinkStatus lastLink;
    private boolean kmsReachable;
    /** When the session's next automatic attempt is due (System.nanoTime), or 0 when none is pending. */
    private long retryDueNanos;
    private long retriesScheduled;
    private final javafx.animation.Timeline countdown = new javafx.animation.Timeline(
            new javafx.animation.KeyFrame(javafx.util.Duration.seconds(0.25), e -> refreshStatus()));
    private SecureChatSession session;
    private final ReadOnlyStringWrapper joinProgress = new ReadOnlyStringWrapper("");
    private final ReadOnlyIntegerWrapper unreadTotal = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyStringWrapper notification = new ReadOnlyStringWrapper("");
    private String notificationPeer = "";
    private final ReadOnlyObjectWrapper<Verification> verification = new ReadOnlyObjectWrapper<>();
    private final ObservableList<String> directory = FXCollections.observableArrayList();
    private final ObservableList<String> directoryView = FXCollections.unmodifiableObservableList(directory);
    private final ReadOnlyBooleanWrapper windowFocused = new ReadOnlyBooleanWrapper(true);
    private DeviceIdentity identity;
    private ChatHistory history;

    // ---- properties ------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<Screen> screenProperty() { return screen.getReadOnlyProperty(); }
    public ReadOnlyStringProperty joinErrorProperty() { return joinError.getReadOnlyProperty(); }
    public ReadOnlyStringProperty deviceIdProperty() { return deviceId.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ConnectionState> connectionProperty() { return connection.getReadOnlyProperty(); }
    public ReadOnlyStringProperty statusTextProperty() { return statusText.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<LinkColour> linkColorProperty() { return linkColor.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty qberProperty() { return qber.getReadOnlyProperty(); }
    public ReadOnlyStringProperty keyIdProperty() { return keyId.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty pqcProperty() { return pqc.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty compromisedProperty() { return compromised.getReadOnlyProperty(); }
    /** A transient problem worth showing in the conversation (not a breach). */
    public ReadOnlyStringProperty noticeProperty() { return notice.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Contact> selectedProperty() { return selected.getReadOnlyProperty(); }
    /** Always the same read-only list (see {@link Contact#messages()} for why). */
    public ObservableList<Contact> contacts() { return contactsView; }
    /** What every badge and status line shows, derived once (see {@link ChatStatus}). */
    public ReadOnlyObjectProperty<ChatStatus> statusProperty() { return status.getReadOnlyProperty(); }
    /** Outgoing messages of this run not yet delivered (✓✓), failed ones included. */
    public ReadOnlyIntegerProperty undeliveredProperty() { return undelivered.getReadOnlyProperty(); }

    // ---- commands --------------------------------------------------------------------------------

    /**
     * Joins as {@code device}: validates the input (errors go to {@link #joinErrorProperty()}),
     * then starts the session, whose network work runs on its own threads.
     */
    private Path home = StateHome.resolve(Optional.empty()).root();
    private java.util.Optional<qstcs.client.KmeEndpoint> kme = java.util.Optional.empty();

    private boolean startFresh;
    private qstcs.crypto.identity.IdentityAlgorithm identityAlgorithm = qstcs.crypto.identity.IdentityAlgorithm.ML_DSA_65;

    /** The kind of identity key made for a device that has none yet (ML-DSA-65, or with Ed25519 too). */
    public void useIdentityAlgorithm(qstcs.crypto.identity.IdentityAlgorithm kind) {
        identityAlgorithm = java.util.Objects.requireNonNull(kind);
    }

    /** With {@code true} the next join deletes the device's stored history first (the demo's fresh start). */
    public void startFresh(boolean fresh) {
        startFresh = fresh;
    }

    public boolean join(String device, String kmsUrl, String relayUrl, String peer, boolean withPqc) {
        ClientConfig config;
        try {
            String id = device == null ? null : device.trim();
            // An enrolled device (DIR/devices/<id>.json) brings its own KMS, relay, token and pinned CA.
            // The addresses are checked even when saved credentials will override them: a typo is
            // reported rather than silently ignored.
            ClientConfig typed = ClientConfig.of(id, kmsUrl, relayUrl);
            if (peer != null && !peer.isBlank()) {
                ClientConfig.checkDeviceId(peer.trim());
            }
            Optional<DeviceCredentials> saved = DeviceCredentials.load(home, typed.deviceId());
            if (saved.isEmpty()) {
                // The KMS hands keys only to enrolled devices (a token over TLS with a pinned CA), so
                // connecting without credentials could only fail later with a vaguer message.
                joinError.set(typed.deviceId() + " is not enrolled on this computer. Paste the enrollment string"
                        + " (qstcs://…) from the operator: ./qstcs enroll " + typed.deviceId()
                        + " on the key service's machine, or Ctrl+E in the SOC console.");
                return false;
            }
            config = ClientConfig.of(saved.get()).withPqc(withPqc);
            if (!typed.otherRelays().isEmpty()) {
                // Several relays typed: the relays of a cluster, used instead of the one saved at enrollment.
                config = config.withRelays(typed.relayUrls());
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            joinError.set(capitalized(e.getMessage()) + ".");
            return false;
        }
        return start(config, peer, withPqc);
    }

    /** Where enrolled devices keep their credentials ({@code $QSTCS_HOME}). */
    public void useHome(Path stateHome) {
        this.home = stateHome;
    }

    /** Take pair keys from this ETSI GS QKD 014 KME ({@code --key-source etsi014}); empty: the KMS's key routes. */
    public void useKme(java.util.Optional<qstcs.client.KmeEndpoint> endpoint) {
        this.kme = endpoint;
    }

    /**
     * Enrolls with an enrollment string ({@code qstcs://…}) from the operator, off the FX thread,
     * saves the device's credentials under the state home and joins with them.
     */
    public void joinWithEnrollment(String enrollmentString, String peer, boolean withPqc) {
        EnrollmentUri uri;
        try {
            uri = EnrollmentUri.parse(enrollmentString == null ? "" : enrollmentString);
        } catch (IllegalArgumentException e) {
            joinError.set(capitalized(e.getMessage()) + ".");
            return;
        }
        joinError.set("");
        joinProgress.set("Enrolling " + uri.deviceId() + " with the key service at " + uri.kmsUrl() + "…");
        Path target = home;
        Thread.ofPlatform().daemon(true).name("chat-enroll").start(() -> {
            try {
                DeviceCredentials credentials = Enrollment.enroll(uri);
                credentials.save(target);
                Platform.runLater(() -> joinProgress.set("Enrolled. Making this device's identity key…"));
                // The identity key pair is made at enrollment, on this device; only its public half is sent.
                ClientConfig enrolled = ClientConfig.of(credentials);
                try {
                    DeviceIdentity.open(target, enrolled, identityAlgorithm).publish();
                } catch (ClientException e) {
                    // Published again when the session starts; enrollment itself succeeded.
                }
                Platform.runLater(() -> {
                    joinProgress.set("");
                    joinError.set("");
                    start(enrolled.withPqc(withPqc), peer, withPqc);
                });
            } catch (ClientException | java.io.IOException e) {
                Platform.runLater(() -> {
                    joinProgress.set("");
                    joinError.set(e.getMessage());
                });
            }
        });
    }

    private boolean start(ClientConfig plain, String peer, boolean withPqc) {
        ClientConfig config;
        try {
            config = kme.map(plain::withKme).orElse(plain);
        } catch (IllegalArgumentException e) {
            joinError.set(capitalized(e.getMessage()) + ".");
            return false;
        }
        leave();
        ChatHistory kept;
        try {
            if (startFresh) {
                ChatHistory.forget(home, config.deviceId());
                // Only the first join of this window starts empty; a later one keeps what was said since.
                startFresh = false;
            }
            kept = ChatHistory.open(home, config.deviceId());
        } catch (java.io.IOException e) {
            joinError.set(e.getMessage());
            return false;
        }
        joinError.set("");
        deviceId.set(config.deviceId());
        pqc.set(withPqc);
        history = kept;
        List<ChatMessage> past = kept.messages();
        for (ChatMessage m : past) {
            show(m, false);
        }
        identity = openIdentity(config);
        session = new SecureChatSession(config, identity == null ? PeerIdentities.NONE : identity);
        // The history listens first: what the window shows is on disk before it is shown.
        session.addListener(kept.recorder());
        session.addListener(new FxBridge(session));
        screen.set(Screen.CHAT);
        java.util.LinkedHashSet<String> peers = new java.util.LinkedHashSet<>();
        if (peer != null && !peer.isBlank()) {
            select(contact(peer.trim()));
            peers.add(peer.trim());
        }
        past.forEach(m -> peers.add(m.peer()));
        session.start(peers.toArray(String[]::new));
        // What was held or unconfirmed when the window closed goes again, under its own id.
        kept.resumeInto(session);
        countdown.setCycleCount(javafx.animation.Animation.INDEFINITE);
        countdown.play();
        return true;
    }

    /** Sends a failed message again (same id: the peer shows it once even if a copy did arrive). */
    public void retry(MessageItem item) {
        if (session != null && item.outgoing() && item.delivery() == DeliveryState.FAILED) {
            item.setDelivery(DeliveryState.PENDING);
            session.retry(item.message());
            countUndelivered();
        }
    }

    /** Deletes an undelivered message from the conversation and the history; it is not sent any more. */
    public void delete(MessageItem item) {
        if (!item.outgoing() || item.delivery() == DeliveryState.DELIVERED) {
            return;
        }
        if (session != null) {
            session.withdraw(item.id());
        }
        if (history != null) {
            history.delete(item.id());
        }
        outgoing.remove(item.id());
        for (Contact c : contacts) {
            c.remove(item);
        }
        countUndelivered();
    }

    /**
     * What closing the window now would leave behind, in words, or empty when everything typed
     * was delivered: undelivered messages stay (encrypted) in the history and go again next time,
     * failed ones wait for Retry.
     */
    public Optional<String> closeWarning() {
        long failed = outgoing.values().stream().filter(i -> i.delivery() == DeliveryState.FAILED).count();
        long waiting = outgoing.values().stream().filter(i -> i.delivery().undelivered()
                && i.delivery() != DeliveryState.FAILED).count();
        if (failed + waiting == 0) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder();
        if (waiting > 0) {
            b.append(waiting == 1 ? "1 message is" : waiting + " messages are").append(" not delivered yet. ")
                    .append(waiting == 1 ? "It stays" : "They stay").append(" encrypted on this computer and")
                    .append(" will be sent when you open the chat again.");
        }
        if (failed > 0) {
            b.append(b.isEmpty() ? "" : " ").append(failed == 1 ? "1 message was" : failed + " messages were")
                    .append(" not sent; open the chat again to retry or delete ").append(failed == 1 ? "it." : "them.");
        }
        return Optional.of(b.toString());
    }

    /** How many automatic attempts were announced in this run (tests watch it move). */
    long retriesScheduled() {
        return retriesScheduled;
    }

    /** Tries to reach the key service or relay now instead of waiting for the countdown. */
    public void retryNow() {
        if (session != null) {
            session.retryNow();
        }
    }

    public void select(Contact c) {
        selected.set(c);
        if (c != null) {
            if (windowFocused.get()) {
                c.markRead();
                countUnread();
            }
            if (session != null) {
                session.open(c.deviceId());
            }
            checkIdentity(c.deviceId());
        }
    }

    // ---- identity: verification, changed keys --------------------------------------------------------

    /** What the verification screen shows for one peer; {@code number} is null when the peer has no key. */
    public record Verification(String peer, SafetyNumber number, IdentityKey peerKey, boolean verified, boolean changed,
                               String problem) {
    }

    public ReadOnlyObjectProperty<Verification> verificationProperty() { return verification.getReadOnlyProperty(); }

    private DeviceIdentity openIdentity(ClientConfig config) {
        try {
            DeviceIdentity id = DeviceIdentity.open(home, config, identityAlgorithm);
            if (id.ownKey().algorithm() != identityAlgorithm) {
                // Replacing it would make every peer that verified this device see a changed key.
                notice.set("This device keeps its " + id.ownKey().algorithm().wireName() + " identity key; "
                        + identityAlgorithm.wireName() + " applies to a device that has none yet.");
            }
            id.addListener((peer, sighting) -> Platform.runLater(() -> showSighting(id, peer, sighting)));
            // The session publishes the public key itself before it connects (PeerIdentities.announce).
            return id;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            notice.set("This device's identity key cannot be read (" + e.getMessage() + "); handshakes are not signed.");
            return null;
        }
    }

    private void showSighting(DeviceIdentity from, String peer, PeerKeyBook.Sighting s) {
        if (from != identity) {
            return;
        }
        Contact c = contact(peer);
        c.setTrust(s.status() == PeerKeyBook.Status.CHANGED || from.book().changed(peer) ? Contact.Trust.CHANGED
                : s.verified() ? Contact.Trust.VERIFIED : Contact.Trust.UNVERIFIED);
        if (s.status() == PeerKeyBook.Status.CHANGED) {
            notice.set(peer + "'s identity key has changed. Compare safety numbers again before you trust"
                    + " this conversation (a re-installed device, or someone posing as " + peer + ").");
        }
    }

    /** Asks the key service for {@code peer}'s identity key off the FX thread; the contact's badge follows. */
    private void checkIdentity(String peer) {
        DeviceIdentity id = identity;
        if (id == null) {
            return;
        }
        Thread.ofPlatform().daemon(true).name("qstcs-identity-check").start(() -> {
            try {
                id.refresh(peer);
            } catch (ClientException | java.io.IOException e) {
                // Shown as "not verified"; the handshake uses the remembered key meanwhile.
            }
        });
    }

    /** Opens the verification screen for the selected contact: safety number, QR code, verify. */
    public void openVerification() {
        Contact c = selected.get();
        DeviceIdentity id = identity;
        if (c == null) {
            return;
        }
        String peer = c.deviceId();
        if (id == null) {
            verification.set(new Verification(peer, null, null, false, false, "This device has no identity key."));
            return;
        }
        Thread.ofPlatform().daemon(true).name("qstcs-verify").start(() -> {
            Verification v;
            try {
                v = id.refresh(peer).map(s -> new Verification(peer, id.safetyNumber(peer, s.key()), s.key(), s.verified(),
                        id.book().changed(peer), "")).orElse(new Verification(peer, null, null, false, false,
                        peer + " has not published an identity key yet (it has not started a chat since enrolling)."));
            } catch (ClientException | java.io.IOException e) {
                v = id.book().remembered(peer).map(k -> new Verification(peer, id.safetyNumber(peer, k), k,
                        id.book().verified(peer), id.book().changed(peer), "The key service is not reachable; this is the key"
                        + " this device remembers for " + peer + "."))
                        .orElse(new Verification(peer, null, null, false, false, e.getMessage()));
            }
            Verification shown = v;
            Platform.runLater(() -> {
                if (identity == id) {
                    verification.set(shown);
                }
            });
        });
    }

    /** The user compared the safety number in person: remember this key as verified. */
    public void confirmVerified() {
        Verification v = verification.get();
        if (v == null || v.peerKey() == null || identity == null) {
            return;
        }
        try {
            identity.markVerified(v.peer(), v.peerKey());
            verification.set(new Verification(v.peer(), v.number(), v.peerKey(), true, false, ""));
            notice.set("");
        } catch (java.io.IOException e) {
            notice.set("Cannot save the verification: " + e.getMessage());
        }
    }

    public void closeVerification() {
        verification.set(null);
    }

    // ---- attention: unread counts, notifications, focus ------------------------------------------------

    /** Unread messages over all conversations (the window title shows it). */
    public ReadOnlyIntegerProperty unreadTotalProperty() { return unreadTotal.getReadOnlyProperty(); }

    /** The latest in-app notification ("Soldier_Bravo: text"), empty when there is none to show. */
    public ReadOnlyStringProperty notificationProperty() { return notification.getReadOnlyProperty(); }

    /** Who the latest notification is from (opening it opens that conversation). */
    public String notificationPeer() { return notificationPeer; }

    public void dismissNotification() {
        notification.set("");
    }

    /** Opens the conversation the notification is about. */
    public void openNotification() {
        if (!notificationPeer.isEmpty()) {
            select(contact(notificationPeer));
        }
        notification.set("");
    }

    /** Messages count as read only while the window has the focus and shows their conversation. */
    public void setWindowFocused(boolean focused) {
        windowFocused.set(focused);
        if (focused && selected.get() != null) {
            selected.get().markRead();
            countUnread();
        }
    }

    boolean windowFocused() {
        return windowFocused.get();
    }

    /** Whether the soldier can see the window (it has the focus). */
    public ReadOnlyBooleanProperty windowFocusedProperty() { return windowFocused.getReadOnlyProperty(); }

    private void countUnread() {
        unreadTotal.set(contacts.stream().mapToInt(c -> c.unreadProperty().get()).sum());
    }

    private void notifyIncoming(ChatMessage m, Contact c) {
        if (m.outgoing() || (windowFocused.get() && c == selected.get())) {
            return;
        }
        String text = m.text().strip().replace('\n', ' ');
        notificationPeer = m.peer();
        notification.set(m.peer() + ": " + (text.length() > 80 ? text.substring(0, 79) + "…" : text));
    }

    // ---- directory: new conversation ------------------------------------------------------------------

    /** Enrolled devices other than this one, from the key service's directory (refresh with {@link #refreshDirectory}). */
    public ObservableList<String> directory() { return directoryView; }

    /** Fetches the directory off the FX thread. */
    public void refreshDirectory() {
        SecureChatSession s = session;
        DeviceIdentity id = identity;
        if (s == null || id == null) {
            return;
        }
        String me = deviceId.get();
        Thread.ofPlatform().daemon(true).name("qstcs-directory").start(() -> {
            try {
                List<String> ids = id.directory().stream().map(KmsClient.DirectoryEntry::deviceId)
                        .filter(d -> !d.equals(me)).toList();
                Platform.runLater(() -> {
                    if (session == s) {
                        directory.setAll(ids);
                    }
                });
            } catch (ClientException e) {
                Platform.runLater(() -> notice.set(e.getMessage()));
            }
        });
    }

    /** Starts (or opens) a conversation with {@code peer}, who need not have written first. */
    public void startConversation(String peer) {
        try {
            select(contact(ClientConfig.checkDeviceId(peer)));
        } catch (IllegalArgumentException e) {
            notice.set(capitalized(e.getMessage()) + ".");
        }
    }

    /** Join-view helpers: a failure in the red box, or clear it. */
    void joinFailed(String message) {
        joinProgress.set("");
        joinError.set(message);
    }

    void clearJoinError() {
        joinError.set("");
    }

    /** What the join is doing right now (enrolling…), empty when idle; not an error. */
    public ReadOnlyStringProperty joinProgressProperty() { return joinProgress.getReadOnlyProperty(); }

    /** Sends {@code text} to the selected contact; false when there is nothing to send or nobody to send it to. */
    public boolean send(String text) {
        Contact to = selected.get();
        if (session == null || to == null || text == null || text.isBlank()) {
            return false;
        }
        try {
            session.send(to.deviceId(), text.strip());
            return true;
        } catch (IllegalArgumentException e) {
            notice.set(capitalized(e.getMessage()) + ".");
            return false;
        }
    }

    /** Leaves the conversation and closes the session (window closing, or back to the join view). */
    public void leave() {
        countdown.stop();
        retryDueNanos = 0;
        if (session != null) {
            SecureChatSession s = session;
            ChatHistory h = history;
            session = null;
            history = null;
            identity = null;
            verification.set(null);
            // Not a daemon: when this was the last window, the JVM waits for the relay connection's
            // graceful close (a second at most) and for the history's last writes before it exits.
            Thread.ofPlatform().daemon(false).name("qstcs-chat-close").start(() -> {
                s.close();
                h.close(); // after the session: its last events are written first
            });
        }
    }

    public Optional<SecureChatSession> session() {
        return Optional.ofNullable(session);
    }

    // ---- session events, on the FX thread ---------------------------------------------------------

    private Contact contact(String id) {
        for (Contact c : contacts) {
            if (c.deviceId().equals(id)) {
                return c;
            }
        }
        Contact c = new Contact(id);
        contacts.add(c);
        if (selected.get() == null) {
            selected.set(c);
        }
        return c;
    }

    /** Adds {@code m} to its conversation unless it is shown already; {@code live} counts it as unread. */
    private void show(ChatMessage m, boolean live) {
        if (!shown.add(m.sender() + " " + m.id())) {
            return;
        }
        MessageItem item = new MessageItem(m);
        Contact c = contact(m.peer());
        if (m.outgoing() && m.delivery() != DeliveryState.DELIVERED) {
            outgoing.put(m.id(), item);
        }
        c.add(item, !live || (windowFocused.get() && c == selected.get()));
        countUndelivered();
        if (live) {
            countUnread();
            notifyIncoming(m, c);
        }
    }

    private void countUndelivered() {
        undelivered.set((int) outgoing.values().stream().filter(i -> i.delivery().undelivered()).count());
    }

    private void refreshStatus() {
        long retry = -1;
        if (retryDueNanos != 0) {
            long left = retryDueNanos - System.nanoTime();
            retry = left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
        }
        ChatStatus next = new ChatStatus(connection.get(), lastLink, kmsReachable, !keyId.get().isEmpty(), pqc.get(),
                retry);
        if (!next.equals(status.get())) {
            status.set(next);
        }
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Hops every session event onto the FX thread; drops events of a session already left. */
    private final class FxBridge implements SessionListener {
        private final SecureChatSession owner;

        FxBridge(SecureChatSession owner) {
            this.owner = owner;
        }

        private void fx(Runnable r) {
            Platform.runLater(() -> {
                if (session == owner) {
                    r.run();
                }
            });
        }

        @Override
        public void connectionChanged(ConnectionState state, String message) {
            fx(() -> {
                connection.set(state);
                statusText.set(message);
                if (state == ConnectionState.ONLINE || state == ConnectionState.COMPROMISED) {
                    retryDueNanos = 0;
                }
                compromised.set(state == ConnectionState.COMPROMISED);
                if (state == ConnectionState.ONLINE) {
                    notice.set("");
                }
                if (state == ConnectionState.FAILED) {
                    // Nothing will recover by itself: back to the join view with the reason.
                    joinError.set(message);
                    screen.set(Screen.JOIN);
                    leave();
                }
                refreshStatus();
            });
        }

        @Override
        public void retryScheduled(java.time.Duration delay) {
            fx(() -> {
                retriesScheduled++;
                retryDueNanos = System.nanoTime() + delay.toNanos();
                refreshStatus();
            });
        }

        @Override
        public void linkChanged(LinkStatus status) {
            fx(() -> {
                lastLink = status;
                kmsReachable = true;
                linkColor.set(status.status());
                qber.set(status.qber());
                refreshStatus();
            });
        }

        @Override
        public void keyChanged(String peer, String id, boolean hybrid) {
            fx(() -> {
                Contact sel = selected.get();
                if (sel == null || sel.deviceId().equals(peer)) {
                    keyId.set(id == null ? "" : id.substring(0, Math.min(8, id.length())));
                }
                refreshStatus();
            });
        }

        @Override
        public void messageAdded(ChatMessage m) {
            fx(() -> show(m, true));
        }

        @Override
        public void deliveryChanged(String messageId, DeliveryState state) {
            fx(() -> {
                MessageItem item = outgoing.get(messageId);
                if (item != null) {
                    item.setDelivery(state);
                    if (state == DeliveryState.DELIVERED) {
                        outgoing.remove(messageId);
                    }
                    countUndelivered();
                }
            });
        }

        @Override
        public void presenceChanged(String device, boolean online) {
            fx(() -> contact(device).setOnline(online));
        }

        @Override
        public void problem(ClientException problem) {
            fx(() -> {
                if (problem.problem() == ClientException.Problem.KMS_UNREACHABLE) {
                    kmsReachable = false; // the status shows the last reading as stale, not as current
                    refreshStatus();
                    return; // said in the status bar, with the countdown when one is pending
                }
                notice.set(problem.getMessage());
            });
        }
    }
}
