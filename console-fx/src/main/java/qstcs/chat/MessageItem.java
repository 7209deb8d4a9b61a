package qstcs.chat;

import java.time.Instant;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import qstcs.client.ChatMessage;
import qstcs.client.DeliveryState;

/** One bubble of the conversation; the delivery state of an outgoing message changes after it is shown. */
public final class MessageItem {
    private final ChatMessage message;
    private final ReadOnlyObjectWrapper<DeliveryState> delivery;

    MessageItem(ChatMessage message) {
        this.message = message;
        this.delivery = new ReadOnlyObjectWrapper<>(message.delivery());
    }

    /** The message as it was first shown (its delivery state then). */
    ChatMessage message() {
        return message;
    }

    public String id() {
        return message.id();
    }

    public String text() {
        return message.text();
    }

    public Instant time() {
        return message.time();
    }

    public boolean outgoing() {
        return message.outgoing();
    }

    public String sender() {
        return message.sender();
    }

    public ReadOnlyObjectProperty<DeliveryState> deliveryProperty() {
        return delivery.getReadOnlyProperty();
    }

    public DeliveryState delivery() {
        return delivery.get();
    }

    void setDelivery(DeliveryState s) {
        delivery.set(s);
    }
}
