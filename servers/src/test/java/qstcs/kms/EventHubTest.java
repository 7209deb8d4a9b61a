package qstcs.kms;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventHubTest {

    /**
     * Audit events beyond half a subscriber's queue are skipped for it: a burst of them (other
     * clients' traffic) leaves room for the status change and never closes the stream.
     */
    @Test
    void aBurstOfAuditEventsNeverDropsTheStream() throws Exception {
        EventHub hub = new EventHub();
        EventHub.Subscription operator = hub.subscribe();
        for (int i = 0; i < EventHub.QUEUE * 4; i++) {
            hub.publish("audit", JsonNodeFactory.instance.objectNode().put("n", i));
        }
        hub.publish("status", JsonNodeFactory.instance.objectNode().put("status", "RED"));
        assertTrue(operator.isOpen(), "the stream is still open");
        assertEquals(EventHub.QUEUE * 4 - EventHub.AUDIT_ROOM, operator.skippedAudit());
        EventHub.Event last = null;
        for (int i = 0; i <= EventHub.AUDIT_ROOM; i++) {
            last = operator.next(Duration.ZERO);
        }
        assertEquals("status", last.name());
    }
}
