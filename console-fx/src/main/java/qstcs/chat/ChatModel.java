package qstcs.chat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import qstcs.client.ChatMessage;
import qstcs.client.ClientConfig;
import qstcs.client.ClientException;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.Enrollment;
import qstcs.client.SecureChatSession;
import qstcs.client.SessionListener;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.EnrollmentUri;

/**
 * The chat window's state as JavaFX properties, and its commands (join, select, send). It owns the
 * {@link SecureChatSession} and turns its events into property changes on the FX thread; it holds
 * no Nodes. Every method here is called on the FX thread.
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
    private final Map<String, MessageItem> outgoing = new HashMap<>();
    private SecureChatSession session;

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
    public ObservableList<Contact> contacts() { return FXCollections.unmodifiableObservableList(contacts); }

    // ---- commands --------------------------------------------------------------------------------

    /**
     * Joins as {@code device}: validates the input (errors go to {@link #joinErrorProperty()}),
     * then starts the session, whose network work runs on its own threads.
     */
    private Path home = StateHome.resolve(Optional.empty()).root();
    private java.util.Optional<qstcs.client.KmeEndpoint> kme = java.util.Optional.empty();

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
        joinError.set("Enrolling " + uri.deviceId() + " with the key service at " + uri.kmsUrl() + "…");
        Path target = home;
        Thread.ofVirtual().name("chat-enroll").start(() -> {
            try {
                DeviceCredentials credentials = Enrollment.enroll(uri);
                credentials.save(target);
                Platform.runLater(() -> {
                    joinError.set("");
                    start(ClientConfig.of(credentials).withPqc(withPqc), peer, withPqc);
                });
            } catch (ClientException | java.io.IOException e) {
                Platform.runLater(() -> joinError.set(e.getMessage()));
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
        joinError.set("");
        deviceId.set(config.deviceId());
        pqc.set(withPqc);
        session = new SecureChatSession(config);
        session.addListener(new FxBridge(session));
        screen.set(Screen.CHAT);
        if (peer != null && !peer.isBlank()) {
            select(contact(peer.trim()));
            session.start(peer.trim());
        } else {
            session.start();
        }
        return true;
    }

    public void select(Contact c) {
        selected.set(c);
        if (c != null) {
            c.markRead();
            if (session != null) {
                session.open(c.deviceId());
            }
        }
    }

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
        if (session != null) {
            SecureChatSession s = session;
            session = null;
            Thread.ofVirtual().name("qstcs-chat-close").start(s::close);
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
            });
        }

        @Override
        public void linkChanged(LinkStatus status) {
            fx(() -> {
                linkColor.set(status.status());
                qber.set(status.qber());
            });
        }

        @Override
        public void keyChanged(String peer, String id, boolean hybrid) {
            fx(() -> {
                Contact sel = selected.get();
                if (sel == null || sel.deviceId().equals(peer)) {
                    keyId.set(id == null ? "" : id.substring(0, Math.min(8, id.length())));
                }
            });
        }

        @Override
        public void messageAdded(ChatMessage m) {
            fx(() -> {
                MessageItem item = new MessageItem(m);
                Contact c = contact(m.peer());
                if (m.outgoing()) {
                    outgoing.put(m.id(), item);
                }
                c.add(item, c == selected.get());
            });
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
                }
            });
        }

        @Override
        public void presenceChanged(String device, boolean online) {
            fx(() -> contact(device).setOnline(online));
        }

        @Override
        public void problem(ClientException problem) {
            fx(() -> notice.set(problem.getMessage()));
        }
    }
}
