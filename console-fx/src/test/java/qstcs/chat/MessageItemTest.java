package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import qstcs.client.ChatMessage;
import qstcs.client.DeliveryState;

/** A bubble shows where its message really is from the first frame on, not an optimistic "sent". */
class MessageItemTest {
    private static ChatMessage outgoing(DeliveryState state) {
        return new ChatMessage("m1", "Soldier_Bravo", "Soldier_Alpha", "radio check", Instant.EPOCH, true, null, state);
    }

    @Test
    void anOutgoingBubbleStartsInTheStateTheSessionReported() {
        assertEquals(DeliveryState.PENDING, new MessageItem(outgoing(DeliveryState.PENDING)).delivery());
        assertEquals(DeliveryState.HELD, new MessageItem(outgoing(DeliveryState.HELD)).delivery());
    }
}
