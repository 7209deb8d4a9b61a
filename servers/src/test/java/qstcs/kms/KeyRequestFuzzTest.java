package qstcs.kms;

import com.code_intelligence.jazzer.junit.FuzzTest;

import qstcs.server.common.ApiError;

/**
 * The key request's body reader ({@code POST /get_session_key}, the KMS's hottest route): any
 * body is either read or refused with a 4xx, never anything else.
 */
class KeyRequestFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void keyRequestBodies(byte[] body) {
        try {
            KeyRequestBody.parse(body);
        } catch (ApiError e) {
            if (e.status().code() < 400 || e.status().code() > 499) {
                throw new AssertionError("a refusal that is not a client error: " + e.status().code(), e);
            }
        }
    }
}
