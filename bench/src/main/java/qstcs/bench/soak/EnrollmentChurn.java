package qstcs.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;

import qstcs.bench.relay.KmsForRelay;

/**
 * The operator enrolling and revoking devices all along: each cycle enrolls a new device through
 * the real routes, has it draw a key and register at the relay, revokes it, and checks that the
 * revocation took at once: the relay closes its session with 4401 and the KMS refuses its token.
 */
final class EnrollmentChurn implements Runnable {

    private final KmsForRelay kms;
    private final KmsClient client;
    private final String operator;
    private final HttpClient wsClient;
    private final URI relay;
    private final SoakCounters counters;
    private final long everyMillis;
    private volatile boolean running = true;

    EnrollmentChurn(KmsForRelay kms, KmsClient client, String operator, HttpClient wsClient, URI relay,
                    SoakCounters counters, long everyMillis) {
        this.kms = kms;
        this.client = client;
        this.operator = operator;
        this.wsClient = wsClient;
        this.relay = relay;
        this.counters = counters;
        this.everyMillis = everyMillis;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        for (long n = 0; running; n++) {
            long start = System.nanoTime();
            String outcome;
            try {
                outcome = cycle("churn_" + n);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                outcome = e.toString();
            }
            if (outcome == null) {
                counters.churnOk.increment();
            } else if (!counters.duringAttack(start, System.nanoTime())) {
                counters.churnFailed.increment();
                counters.failure("enroll/revoke churn_" + n + ": " + outcome);
            }
            try {
                Thread.sleep(everyMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One enroll–use–revoke cycle; null when every step did what it must, else what went wrong. */
    private String cycle(String id) throws Exception {
        String token = kms.enroll(id);
        if (client.pairKey(id, token, "_broadcast_", n -> { }) == null) {
            return "no key for a new device (link RED)";
        }
        ChatDevice device = new ChatDevice(id, token, client, wsClient, relay);
        if (!device.connect(text -> { })) {
            return "the relay refused a freshly enrolled device";
        }
        try {
            KmsClient.Reply revoked = client.delete("/admin/devices/" + id, operator);
            if (revoked.status() != 200) {
                return "revocation answered " + revoked.status();
            }
            int code = device.closed().get(5, TimeUnit.SECONDS);
            if (code != 4401) {
                return "the relay closed the revoked session with " + code + ", not 4401";
            }
            KmsClient.Reply after = client.post("/get_session_key",
                    "{\"device_id\":\"" + id + "\",\"peer_id\":\"_broadcast_\"}", token);
            if (after.status() != 401) {
                return "a revoked token got " + after.status() + " from the key route";
            }
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            return "the relay kept the revoked device's session open for 5 s";
        } finally {
            device.abort();
        }
    }
}
