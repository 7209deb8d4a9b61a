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

    public ObservableList<MessageItem> messages() {
        return FXCollections.unmodifiableObservableList(messages);
    }

    void setOnline(boolean on) {
        online.set(on);
    }

    void add(MessageItem m, boolean selected) {
        messages.add(m);
        lastLine.set((m.outgoing() ? "You: " : "") + m.text());
        if (!m.outgoing() && !selected) {
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
