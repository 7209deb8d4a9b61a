package qstcs.kms;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalDigestTest {

    private final RefusalDigest digest = new RefusalDigest(Duration.ofSeconds(10));

    @Test
    void theFirstRefusalOfASourceAndReasonIsWrittenTheRestAreCounted() {
        assertTrue(digest.admit("anonymous@10.0.0.9", "GET /a refused (401): no token"));
        for (int i = 0; i < 999; i++) {
            assertFalse(digest.admit("anonymous@10.0.0.9", "GET /path" + i + " refused (401): no token"));
        }
        assertTrue(digest.admit("anonymous@10.0.0.9", "GET /a refused (403): plain HTTP port"), "another reason");
        assertTrue(digest.admit("anonymous@10.0.0.8", "GET /a refused (401): no token"), "another source");
        List<RefusalDigest.Summary> sums = digest.drain();
        assertEquals(1, sums.size(), "only the source with held-back refusals: " + sums);
        assertEquals(999, sums.getFirst().count());
        assertEquals("anonymous@10.0.0.9", sums.getFirst().actor());
        assertTrue(sums.getFirst().detail().contains("GET /a refused (401): no token (and 999 more like it within 10 s)"),
                sums.getFirst().detail());
        assertTrue(digest.admit("anonymous@10.0.0.9", "GET /a refused (401): no token"), "a new interval writes again");
    }

    @Test
    void sourcesBeyondTheBoundShareOneCounter() {
        for (int i = 0; i < RefusalDigest.MAX_SOURCES; i++) {
            assertTrue(digest.admit("anonymous@10.1." + (i >> 8) + "." + (i & 255), "refused (401): no token"));
        }
        for (int i = 0; i < 50; i++) {
            assertFalse(digest.admit("anonymous@10.2.0." + i, "refused (401): no token"));
        }
        List<RefusalDigest.Summary> sums = digest.drain();
        assertEquals(1, sums.size());
        assertEquals(RefusalDigest.MANY_SOURCES, sums.getFirst().actor());
        assertEquals(50, sums.getFirst().count());
    }

    @Test
    void onlyAnonymousAuthFailuresFold() {
        assertTrue(RefusalDigest.folds("auth_failure", "anonymous@10.0.0.9"));
        assertFalse(RefusalDigest.folds("auth_failure", "device:Soldier_Alpha@10.0.0.7"));
        assertFalse(RefusalDigest.folds("forced_attack", "anonymous@10.0.0.9"));
    }
}
