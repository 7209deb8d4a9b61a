package qstcs.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import qstcs.crypto.keys.HandshakeFailedException;
import qstcs.crypto.keys.Hkdf;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.FrameRejectedException;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.KeyRotationPolicy;
import qstcs.crypto.seal.KeyUsage;
import qstcs.crypto.seal.ReplayWindow;
import qstcs.crypto.seal.SealedFrame;
import qstcs.crypto.wire.FlatJson;

/**
 * Drives every public path of keys and seal — success and failure — and scans what a user or an
 * operator could ever see (toString, exception messages and stack traces, log records) for any
 * trace of secret bytes: hex (either case), base64 (standard and URL-safe), decimal byte lists,
 * down to any 4-byte window of a secret.
 */
class SecretLeakTest {

    private static final String KEY_ID = "0e7b4f4e-1d2a-4c39-8a55-3c2d1e0f9a8b";
    private static final String A = "Soldier_Alpha";
    private static final String B = "Soldier_Bravo";

    private final List<String> seen = new ArrayList<>();
    private final List<byte[]> secrets = new ArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            seen.add(format.format(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;

    @BeforeEach
    void captureLogs() {
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void release() {
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    @Test
    void noSecretAppearsInToStringExceptionsOrLogs() throws Exception {
        SecureRandom random = new SecureRandom();
        SecretBytes qkd = secret(SecretBytes.random(32, random));
        secret(Hkdf.directionKey(qkd, A, B));
        secret(Hkdf.directionKey(qkd, B, A));
        byte[] plaintext = "Rendezvous at the north bridge, 0400, bring the spare radio.".getBytes(StandardCharsets.UTF_8);
        secrets.add(plaintext);

        // Hybrid handshake: success and every refusal.
        HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, A, B);
        see(alpha);
        see(alpha.kemInit());
        HybridHandshake.Response bravo = HybridHandshake.respond(qkd, KEY_ID, B, alpha.kemInit());
        see(bravo);
        see(bravo.kemResp());
        SecretBytes wrong = secret(SecretBytes.random(32, random));
        expectHandshakeFailure(() -> HybridHandshake.respond(wrong, KEY_ID, B, alpha.kemInit()));
        KemResp r = bravo.kemResp();
        String otherCt = HexFormat.of().formatHex(new byte[1088]);
        expectHandshakeFailure(() -> alpha.complete(new KemResp(r.id(), r.sender(), r.recipient(), r.keyId(), otherCt, r.mac())));
        expectHandshakeFailure(() -> alpha.complete(new KemResp(r.id(), "Soldier_Charlie", r.recipient(), r.keyId(), r.ct(), r.mac())));
        expectHandshakeFailure(() -> HybridHandshake.respond(qkd, KEY_ID, "Soldier_Charlie", alpha.kemInit()));
        SecretBytes hybrid = secret(alpha.complete(bravo.kemResp()));
        secret(bravo.sessionKey());
        see(hybrid);
        see(alpha);
        expectAny(() -> alpha.complete(bravo.kemResp()));

        // Sealed frames under the hybrid key.
        FrameSealer sealer = new FrameSealer(KEY_ID, hybrid, random);
        see(sealer);
        SealedFrame f = sealer.seal("m-1", A, B, 1, 1_700_000_000L, plaintext);
        see(f);
        see(FlatJson.parse(f.toJson()));
        byte[] ct = f.ciphertextBytes();
        ct[3] ^= 0x40;
        SealedFrame tampered = new SealedFrame(f.id(), f.sender(), f.recipient(), f.keyId(), f.seq(), f.timestamp(),
                f.nonce(), HexFormat.of().formatHex(ct));
        expect(FrameRejectedException.class, () -> sealer.open(tampered));
        expect(FrameRejectedException.class, () -> new FrameSealer(KEY_ID, wrong).open(f));
        expectAny(() -> sealer.seal("m-2", A, B, 2, 1, new byte[FrameSealer.MAX_PLAINTEXT_BYTES + 1]));
        expectAny(() -> sealer.seal("m 2", A, B, 2, 1, plaintext));
        ReplayWindow window = new ReplayWindow();
        window.accept(f);
        see(window);
        KeyUsage usage = new KeyUsage(KEY_ID, new KeyRotationPolicy(1, Duration.ofHours(1)), Instant::now);
        usage.nextSeq();
        expectAny(usage::nextSeq);
        see(usage);

        // Secret text handed to parsers: the refusal must not echo it.
        String keyHex = qkd.toHex();
        expectAny(() -> SecretBytes.fromHex(keyHex + "z"));
        expectAny(() -> SecretBytes.fromHex(keyHex.substring(0, 20) + "zz" + keyHex.substring(22)));
        expectAny(() -> FlatJson.parse("{\"key_hex\":\"" + keyHex + "\" x}"));
        expectAny(() -> FlatJson.parse("{\"key_hex\":\"" + keyHex + "\",\"key_hex\":1}"));
        expectAny(() -> FlatJson.parse("{\"" + keyHex + "\":1.5}"));
        expectAny(() -> SealedFrame.fromJson("{\"type\":\"chat\",\"id\":\"" + keyHex + "\"}"));
        expectAny(() -> SealedFrame.fromJson(f.toJson().replace("\"sender\":\"" + A, "\"sender\":\"" + keyHex + " ")));
        expectAny(() -> KemInit.fromJson("{\"type\":\"kem_init\",\"mac\":\"" + keyHex + "\"}"));

        // Destroyed secrets.
        sealer.destroy();
        see(sealer);
        SecretBytes doomed = secret(SecretBytes.random(32, random));
        doomed.destroy();
        see(doomed);
        expectAny(doomed::toByteArray);

        assertTrue(seen.size() > 25, "the scan covered " + seen.size() + " texts");
        assertTrue(seen.stream().anyMatch(s -> s.contains("WARNING")), "log records were captured");
        for (String text : seen) {
            String leak = findLeak(text);
            if (leak != null) {
                fail("secret material (" + leak + ") visible in: " + text);
            }
        }
    }

    @Test
    void theScanFindsALeakWhenThereIsOne() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        secrets.add(s);
        assertEquals(null, findLeak("SecretBytes[32 bytes]"));
        byte[] window = java.util.Arrays.copyOfRange(s, 13, 17);
        assertTrue(findLeak("key=" + HexFormat.of().formatHex(window) + "…") != null, "4-byte hex prefix of a window");
        assertTrue(findLeak(HexFormat.of().withUpperCase().formatHex(s)) != null, "upper-case hex");
        assertTrue(findLeak("k=" + Base64.getEncoder().encodeToString(s)) != null, "base64");
        assertTrue(findLeak(Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(s, 5, 17))) != null,
                "url-safe base64 of a middle slice");
        assertTrue(findLeak(java.util.Arrays.toString(s)) != null, "decimal byte list");
        assertFalse(findLeak("nothing to see") != null);
    }

    // --- collection -----------------------------------------------------------------------------

    private SecretBytes secret(SecretBytes s) {
        secrets.add(s.toByteArray());
        return s;
    }

    private void see(Object o) {
        seen.add(String.valueOf(o));
    }

    private interface Action {
        void run() throws Exception;
    }

    private void expectHandshakeFailure(Action a) {
        expect(HandshakeFailedException.class, a);
    }

    private void expect(Class<? extends Exception> type, Action a) {
        Exception e = expectAny(a);
        assertTrue(type.isInstance(e), "expected " + type.getSimpleName() + " but got " + e);
    }

    private Exception expectAny(Action a) {
        try {
            a.run();
        } catch (Exception e) {
            see(e.getMessage());
            see(e);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            see(trace);
            return e;
        }
        fail("expected a failure");
        return null;
    }

    // --- scanning ---------------------------------------------------------------------------------

    /** Describes the first secret trace found in {@code text}, or null. */
    private String findLeak(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        String compact = text.replace(" ", "");
        for (byte[] s : secrets) {
            for (int off = 0; off + 4 <= s.length; off++) {
                byte[] w = java.util.Arrays.copyOfRange(s, off, off + 4);
                if (lower.contains(HexFormat.of().formatHex(w))) {
                    return "hex of bytes " + off + ".." + (off + 3);
                }
                StringBuilder dec = new StringBuilder();
                for (byte b : w) {
                    dec.append(b).append(',');
                }
                if (compact.contains(dec.substring(0, dec.length() - 1))) {
                    return "decimal bytes " + off + ".." + (off + 3);
                }
            }
            // Base64 of any 6-byte window: 8 characters, aligned no matter where the leak started.
            for (int off = 0; off + 6 <= s.length; off++) {
                byte[] w = java.util.Arrays.copyOfRange(s, off, off + 6);
                if (text.contains(Base64.getEncoder().encodeToString(w))
                        || text.contains(Base64.getUrlEncoder().encodeToString(w))) {
                    return "base64 of bytes " + off + ".." + (off + 5);
                }
            }
        }
        return null;
    }
}
