package qstcs.fuzz;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import qstcs.crypto.keys.HandshakeFailedException;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.seal.FrameRejectedException;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.SealedFrame;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.crypto.wire.FlatJson;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;

/**
 * The parsers every client and server applies to what another party sent: JSON request bodies,
 * the flat JSON of chat and key-exchange frames, the link status, enrollment strings, sealed-frame
 * opening and the ML-KEM handshake frames. Each may refuse its input only with its documented
 * exception (a 4xx {@link ApiError}, {@link IllegalArgumentException}, a rejected frame or a failed
 * handshake); anything else escaping is a finding.
 */
class WireParsersFuzzTest {

    private static final SecretBytes KEY = SecretBytes.copyOf(new byte[32]);

    @FuzzTest(maxDuration = "10s")
    void requestBodies(byte[] body) {
        try {
            Json.parse(body);
        } catch (ApiError e) {
            requireClientError(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void flatJsonAndLinkStatus(byte[] text) {
        String s = new String(text, StandardCharsets.UTF_8);
        try {
            FlatJson.parse(s);
        } catch (IllegalArgumentException expected) {
            // refused as documented
        }
        try {
            FlatJson.parseWithFractions(s);
        } catch (IllegalArgumentException expected) {
            // refused as documented
        }
        try {
            LinkStatus.parse(s);
        } catch (IllegalArgumentException expected) {
            // refused as documented
        }
    }

    @FuzzTest(maxDuration = "10s")
    void enrollmentStrings(byte[] text) {
        try {
            EnrollmentUri.parse(new String(text, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            // refused as documented
        }
    }

    @FuzzTest(maxDuration = "10s")
    void sealedFrames(byte[] text) {
        SealedFrame frame;
        try {
            frame = SealedFrame.fromJson(new String(text, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            return;
        }
        try {
            new FrameSealer(frame.keyId(), KEY).open(frame);
        } catch (FrameRejectedException | IllegalArgumentException expected) {
            // refused as documented
        }
    }

    @FuzzTest(maxDuration = "10s")
    void kemFrames(FuzzedDataProvider data) {
        boolean init = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        try {
            if (init) {
                KemInit kemInit = KemInit.fromJson(text);
                HybridHandshake.respond(KEY, kemInit.keyId(), kemInit.recipient(), kemInit).sessionKey().destroy();
            } else {
                KemResp resp = KemResp.fromJson(text);
                HybridHandshake.initiate(KEY, resp.keyId(), resp.recipient(), resp.sender()).complete(resp).destroy();
            }
        } catch (IllegalArgumentException | HandshakeFailedException expected) {
            // refused as documented
        }
    }

    static void requireClientError(ApiError e) {
        int code = e.status().code();
        if (code < 400 || code > 499) {
            throw new AssertionError("a refusal that is not a client error: " + code, e);
        }
    }
}
