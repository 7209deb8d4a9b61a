package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloseCodeTest {

    /** Clients and scripts outside the project act on these numbers. */
    @Test
    void theNumbersOnTheWire() {
        assertEquals(4401, CloseCode.REVOKED.code());
        assertEquals(4403, CloseCode.LINK_RED.code());
        assertEquals(4409, CloseCode.REPLACED.code());
        assertEquals(1008, CloseCode.POLICY.code());
        assertEquals(1001, CloseCode.GOING_AWAY.code());
        assertEquals(1009, CloseCode.TOO_BIG.code());
        assertEquals(Optional.of(CloseCode.LINK_RED), CloseCode.of(4403));
        assertEquals(Optional.empty(), CloseCode.of(1000));
    }
}
