package qstcs.client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.KmsServer;
import qstcs.server.pki.IssueCertCommand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's ETSI GS QKD 014 key source against the real KMS as KME, over mutual TLS with SAE
 * certificates from the real {@code issue-cert}: master and slave end with the same key, a key is
 * served again from memory (the KME hands it to a slave once), a breach is LINK_COMPROMISED and
 * forgets every key, and after the reset keys flow again.
 */
class Etsi014KeySourceIT {
    private static KmsServer kms;
    private static Etsi014KeySource alpha;
    private static Etsi014KeySource bravo;

    @BeforeAll
    static void start() throws Exception {
        kms = KmsServer.startOnLoopback(KmsServer.tempHome("qstcs-etsi014-client"), "--round-ms", "300");
        Path certs = Files.createTempDirectory("qstcs-etsi014-client-certs");
        alpha = new Etsi014KeySource(endpoint(certs, "Soldier_Alpha"));
        bravo = new Etsi014KeySource(endpoint(certs, "Soldier_Bravo"));
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    private static KmeEndpoint endpoint(Path dir, String id) throws Exception {
        Path pem = dir.resolve(id + ".pem");
        assertEquals(0, IssueCertCommand.run(new String[]{"--for", "sae", "--id", id, "--out", pem.toString(), "--home",
                kms.home().toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        return KmeEndpoint.read(kms.tlsUrl(), pem, kms.home().resolve("kms").resolve("ca.crt"));
    }

    @Test
    void masterAndSlaveHoldTheSameKeyAndRepeatsComeFromMemory() throws Exception {
        IssuedKey made = alpha.pairKey("Soldier_Bravo", false, false);
        IssuedKey fetched = bravo.keyById("Soldier_Alpha", made.keyId());
        assertEquals(made.keyId(), fetched.keyId());
        assertArrayEquals(made.secret().toByteArray(), fetched.secret().toByteArray());
        IssuedKey again = bravo.keyById("Soldier_Alpha", made.keyId());
        assertArrayEquals(made.secret().toByteArray(), again.secret().toByteArray(), "the KME would refuse a second dec_keys");
        IssuedKey own = alpha.keyById("Soldier_Bravo", made.keyId());
        assertArrayEquals(made.secret().toByteArray(), own.secret().toByteArray(), "the master knows its own key");
        assertNotEquals(made.keyId(), alpha.pairKey("Soldier_Bravo", false, true).keyId(), "every pairKey is fresh");
    }

    @Test
    void aBreachIsLinkCompromisedAndForgetsKeysAndResetBringsKeysBack() throws Exception {
        IssuedKey before = alpha.pairKey("Soldier_Bravo", false, false);
        assertEquals(200, operator("/force_attack"));
        ClientException red = assertThrows(ClientException.class, () -> alpha.pairKey("Soldier_Bravo", false, false));
        assertEquals(ClientException.Problem.LINK_COMPROMISED, red.problem());
        assertEquals(ClientException.Problem.LINK_COMPROMISED,
                assertThrows(ClientException.class, () -> bravo.keyById("Soldier_Alpha", before.keyId())).problem());
        alpha.forgetAll();
        assertEquals(200, operator("/reset"));
        ClientException gone = assertThrows(ClientException.class, () -> alpha.keyById("Soldier_Bravo", before.keyId()));
        assertEquals(ClientException.Problem.KEY_REFUSED, gone.problem(), "a pre-breach key is neither remembered nor served");
        IssuedKey after = alpha.pairKey("Soldier_Bravo", false, false);
        assertArrayEquals(after.secret().toByteArray(), bravo.keyById("Soldier_Alpha", after.keyId()).secret().toByteArray());
    }

    @Test
    void aCertificateForAnotherDeviceIsRefusedInPlainWords() throws Exception {
        Path certs = Files.createTempDirectory("qstcs-etsi014-client-certs");
        KmeEndpoint other = endpoint(certs, "SAE_Other");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.of("Soldier_Alpha", kms.tlsUrl(), "wss://127.0.0.1:1").withKme(other));
        assertTrue(e.getMessage().contains("SAE_Other"), e.getMessage());
    }

    private static int operator(String path) throws Exception {
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        OkHttpClient op = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        try (Response r = op.newCall(new Request.Builder().url(kms.tlsUrl() + path)
                .header("Authorization", "Bearer " + kms.operatorToken())
                .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
            return r.code();
        }
    }
}
