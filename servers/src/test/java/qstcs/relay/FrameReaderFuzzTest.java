package qstcs.relay;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The relay's header scanner reads every frame any client sends, registered or not: whatever the
 * text, it answers with a header or a rejection and never throws.
 */
class FrameReaderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void frameHeaders(byte[] frame) {
        if (FrameReader.read(new String(frame, StandardCharsets.UTF_8)) == null) {
            throw new AssertionError("no result for a frame");
        }
    }
}
