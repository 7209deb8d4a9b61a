package qstcs.chat;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** A peer in the contact list: presence, unread count, last line, and the conversation with it. */
public final class Contact {
    private final String deviceId;
    private final ReadOnlyBooleanWrapper online = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyIntegerWrapper unread = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyStringWrapper lastLine = new ReadOnlyStringWrapper("");
    private final ObservableList<MessageItem> messages = FXCollections.observableArrayList();
    private final ObservableList<MessageItem> messagesView = FXCollections.unmodifiableObservableList(messages);
    private final javafx.beans.property.ReadOnlyObjectWrapper<Trust> trust =
            new javafx.beans.property.ReadOnlyObjectWrapper<>(Trust.UNKNOWN);

    /** How far this device trusts the peer's identity key. */
    public enum Trust {
        /** No identity key seen yet (the peer has not published one, or it was not asked yet). */
        UNKNOWN,
        /** A key is known but the safety number was not compared. */
        UNVERIFIED,
        /** The user compared safety numbers in person for the key in use. */
        VERIFIED,
        /** The key differs from the one this device saw before: warn until verified again. */
        CHANGED
    }

    public javafx.beans.property.ReadOnlyObjectProperty<Trust> trustProperty() {
        return trust.getReadOnlyProperty();
    }

    void setTrust(Trust t) {
        trust.set(t);
    }

    Contact(String deviceId) {
        this.deviceId = deviceId;
    }

    public String deviceId() {
        return deviceId;
    }

    public ReadOnlyBooleanProperty onlineProperty() {
        return online.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty unreadProperty() {
        return unread.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty lastLineProperty() {
        return lastLine.getReadOnlyProperty();
    }

    /**
     * The conversation, read-only. Always the same list: a read-only view listens to its source
     * only weakly, so a listener added to a view made for the call would stop firing once that
     * view was collected.
     */
    public ObservableList<MessageItem> messages() {
        return messagesView;
    }

    void setOnline(boolean on) {
        online.set(on);
    }

    /** Adds {@code m}; an incoming message counts as unread unless {@code read} (focused and shown). */
    void add(MessageItem m, boolean read) {
        messages.add(m);
        lastLine.set((m.outgoing() ? "You: " : "") + m.text());
        if (!m.outgoing() && !read) {
            unread.set(unread.get() + 1);
        }
    }

    void remove(MessageItem m) {
        messages.remove(m);
    }

    void markRead() {
        unread.set(0);
    }

    @Override
    public String toString() {
        return deviceId;
    }
}
