package qstcs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import qstcs.client.ClientConfig;
import qstcs.client.ClientException;
import qstcs.client.DeliveryState;
import qstcs.client.KmsOperatorClient;
import qstcs.client.RelayStatsClient;
import qstcs.crypto.wire.CloseCode;

/**
 * The three acts of the demo story with two scripted soldiers and an operator, judged as it goes:
 * <ol>
 * <li>Act 1 — Alpha and Bravo exchange messages both ways; every one is delivered (✓✓) under
 * one shared pair key.</li>
 * <li>Act 2 — the operator forces an attack: the KMS goes RED with QBER ≈ 25 %, both clients
 * report the compromise, the relay drops them, and what they type meanwhile is held, not
 * delivered.</li>
 * <li>Act 3 — the operator resets: both clients re-key by themselves under a new key id and the
 * held messages arrive.</li>
 * </ol>
 * Every step has a deadline; the first miss fails the act and the run. The transcript shows
 * timings (breach to client notice, reset to first delivery) but never message contents beyond
 * the demo's own scripted lines, and never key material.
 */
public final class ThreeActDemo {
    static final String ALPHA = "Soldier_Alpha";
    static final String BRAVO = "Soldier_Bravo";
    private static final Duration STEP = Duration.ofSeconds(20);
    private static final Duration NOTICE = Duration.ofSeconds(5);
    /** How long Act 2 watches for (forbidden) deliveries while the link is RED. */
    private static final Duration RED_WATCH = Duration.ofMillis(1500);

    private final ClientConfig alphaConfig;
    private final ClientConfig bravoConfig;
    private final KmsOperatorClient operator;
    private final RelayStatsClient relay;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final List<String> failures = new ArrayList<>();
    private final boolean sharedKey;
    /** Every key id seen before the breach (current keys and the keys of received frames). */
    private final java.util.Set<String> preBreachKeys = new java.util.HashSet<>();

    public ThreeActDemo(ClientConfig alpha, ClientConfig bravo, KmsOperatorClient operator, RelayStatsClient relay,
                        PrintStream out) {
        this(alpha, bravo, operator, relay, out, true);
    }

    /**
     * @param sharedKey whether both soldiers hold one pair key (the KMS's key routes). With an ETSI
     *                  014 key source each sender seals under the key its own enc_keys made and
     *                  the peer fetches it with dec_keys, so the two current key ids may differ;
     *                  the acts then check that every frame opened and that no pre-breach key
     *                  survives the reset.
     */
    public ThreeActDemo(ClientConfig alpha, ClientConfig bravo, KmsOperatorClient operator, RelayStatsClient relay,
                        PrintStream out, boolean sharedKey) {
        this.sharedKey = sharedKey;
        this.alphaConfig = alpha;
        this.bravoConfig = bravo;
        this.operator = operator;
        this.relay = relay;
        this.out = out;
    }

    /** Runs the three acts; true when every act passed. */
    public boolean run() {
        say("QSTCS three-act demo (headless). The BB84 quantum channel is simulated; the cryptography is real.");
        try (DemoClient alpha = new DemoClient(alphaConfig, BRAVO); DemoClient bravo = new DemoClient(bravoConfig, ALPHA)) {
            alpha.start();
            bravo.start();
            String firstKey = actOne(alpha, bravo);
            if (firstKey != null) {
                List<String> held = actTwo(alpha, bravo);
                if (held != null) {
                    actThree(alpha, bravo, firstKey, held);
                }
            }
        } catch (ClientException e) {
            fail("operator call failed: " + e.getMessage());
        } catch (RuntimeException e) {
            fail("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (failures.isEmpty()) {
            say("RESULT: all three acts passed");
        } else {
            say("RESULT: FAILED — " + String.join("; ", failures));
        }
        return failures.isEmpty();
    }

    private String actOne(DemoClient alpha, DemoClient bravo) {
        say("Act 1 — secure chat on a GREEN link");
        if (!await("both soldiers online with a pair key", STEP, () -> alpha.online() && bravo.online())) {
            return null;
        }
        if (sharedKey && !alpha.keyId().equals(bravo.keyId())) {
            fail("Act 1: Alpha and Bravo hold different key ids");
            return null;
        }
        if (sharedKey) {
            say("  both online, shared key id " + shortId(alpha.keyId()));
        } else {
            say("  both online; ETSI 014 enc_keys gave Alpha key " + shortId(alpha.keyId()) + ", Bravo key "
                    + shortId(bravo.keyId()) + " (each peer fetches the other's with dec_keys)");
        }
        List<String> fromAlpha = List.of(alpha.send("Bravo, radio check. Over."), alpha.send("Move to grid 7. Over."));
        List<String> fromBravo = List.of(bravo.send("Alpha, loud and clear. Over."), bravo.send("Moving to grid 7. Out."));
        if (!await("four messages delivered (✓✓) both ways", STEP,
                () -> alpha.allDelivered(fromAlpha) && bravo.allDelivered(fromBravo))) {
            return null;
        }
        say("  Alpha → Bravo: 2 delivered ✓✓; Bravo → Alpha: 2 delivered ✓✓");
        if (bravo.received.size() != 2 || alpha.received.size() != 2) {
            fail("Act 1: expected exactly 2 messages each way, got " + bravo.received.size() + " and "
                    + alpha.received.size());
            return null;
        }
        preBreachKeys.add(alpha.keyId());
        preBreachKeys.add(bravo.keyId());
        alpha.received.forEach(m -> preBreachKeys.add(m.keyId()));
        bravo.received.forEach(m -> preBreachKeys.add(m.keyId()));
        return alpha.keyId();
    }

    private List<String> actTwo(DemoClient alpha, DemoClient bravo) throws ClientException {
        say("Act 2 — Eve attacks: the operator presses Force Attack");
        alpha.clearCompromise();
        bravo.clearCompromise();
        int receivedBefore = alpha.received.size() + bravo.received.size();
        long t0 = System.nanoTime();
        JsonNode answer = operator.forceAttack();
        double qber = answer.path("qber").asDouble(Double.NaN);
        say(String.format(Locale.ROOT, "  KMS: status %s, QBER %.1f %%", answer.path("status").asText("?"), qber * 100));
        if (!"RED".equals(answer.path("status").asText()) || !(qber > 0.18 && qber < 0.32)) {
            fail("Act 2: force_attack did not give RED with QBER ≈ 25 %");
            return null;
        }
        if (!await("both soldiers report the compromise", NOTICE,
                () -> alpha.compromisedAtNanos() > 0 && bravo.compromisedAtNanos() > 0)) {
            return null;
        }
        say(String.format(Locale.ROOT, "  breach → client notice: Alpha %d ms, Bravo %d ms",
                millis(alpha.compromisedAtNanos() - t0), millis(bravo.compromisedAtNanos() - t0)));
        if (!await("the relay has cut every session", NOTICE, () -> relayOnline() == 0)) {
            return null;
        }
        say("  relay: 0 devices online (sessions closed with " + CloseCode.LINK_RED.code() + ")");
        List<String> held = List.of(alpha.send("Alpha here — are we compromised? Over."),
                bravo.send("Bravo here — holding position. Over."));
        sleep(RED_WATCH);
        int receivedDuringRed = alpha.received.size() + bravo.received.size() - receivedBefore;
        boolean allHeld = held.stream().allMatch(id -> alpha.delivery.get(id) == DeliveryState.HELD
                || bravo.delivery.get(id) == DeliveryState.HELD);
        if (receivedDuringRed != 0 || !allHeld) {
            fail("Act 2: while RED " + receivedDuringRed + " message(s) were delivered and held=" + allHeld);
            return null;
        }
        say("  2 messages typed while RED are held in memory; nothing delivered while RED");
        return held;
    }

    private void actThree(DemoClient alpha, DemoClient bravo, String oldKey, List<String> held) throws ClientException {
        say("Act 3 — the operator presses Reset");
        int alphaBefore = alpha.received.size();
        int bravoBefore = bravo.received.size();
        long t0 = System.nanoTime();
        JsonNode answer = operator.reset();
        say("  KMS: " + answer.path("status").asText("?"));
        long[] firstDelivery = {-1};
        if (!await("both soldiers re-keyed and the held messages delivered", STEP, () -> {
            // Read once: a delivery between this read and the checks below must not finish the wait unstamped.
            boolean grown = alpha.received.size() > alphaBefore || bravo.received.size() > bravoBefore;
            if (firstDelivery[0] < 0 && grown) {
                firstDelivery[0] = System.nanoTime();
            }
            return grown && alpha.online() && bravo.online() && alpha.received.size() == alphaBefore + 1
                    && bravo.received.size() == bravoBefore + 1
                    && (alpha.allDelivered(held.subList(0, 1)) && bravo.allDelivered(held.subList(1, 2)));
        })) {
            return;
        }
        String newKey = alpha.keyId();
        if (!sharedKey) {
            String alphaFrom = alpha.received.getLast().keyId();
            String bravoFrom = bravo.received.getLast().keyId();
            if (newKey == null || bravo.keyId() == null || preBreachKeys.contains(newKey)
                    || preBreachKeys.contains(bravo.keyId()) || preBreachKeys.contains(alphaFrom)
                    || preBreachKeys.contains(bravoFrom)) {
                fail("Act 3: a key from before the breach was used after the reset");
                return;
            }
            say(String.format(Locale.ROOT, "  re-keyed by themselves over ETSI 014: Alpha %s, Bravo %s (none from before"
                    + " the breach)", shortId(newKey), shortId(bravo.keyId())));
            say(String.format(Locale.ROOT, "  reset → first delivery: %d ms; both held messages delivered ✓✓",
                    millis(firstDelivery[0] - t0)));
            return;
        }
        if (newKey == null || newKey.equals(oldKey) || !newKey.equals(bravo.keyId())) {
            fail("Act 3: expected one new shared key id after the reset");
            return;
        }
        boolean underNewKey = alpha.received.getLast().keyId().equals(newKey) && bravo.received.getLast().keyId().equals(newKey);
        if (!underNewKey) {
            fail("Act 3: held messages were not sealed with the new key");
            return;
        }
        say(String.format(Locale.ROOT, "  re-keyed by themselves: new key id %s (was %s)", shortId(newKey), shortId(oldKey)));
        say(String.format(Locale.ROOT, "  reset → first delivery: %d ms; both held messages delivered ✓✓",
                millis(firstDelivery[0] - t0)));
    }

    private int relayOnline() {
        try {
            return relay.stats().onlineDevices();
        } catch (ClientException e) {
            return -1;
        }
    }

    private boolean await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(Duration.ofMillis(10));
        }
        if (condition.getAsBoolean()) {
            return true;
        }
        fail("timed out after " + limit.toSeconds() + " s waiting for: " + what);
        return false;
    }

    private void fail(String reason) {
        failures.add(reason);
        say("  FAILED: " + reason);
    }

    private void say(String line) {
        out.printf(Locale.ROOT, "[%7.3f s] %s%n", (System.nanoTime() - startNanos) / 1e9, line);
        out.flush();
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }

    /** Key ids are public identifiers, but eight characters are all a reader needs. */
    private static String shortId(String keyId) {
        return keyId == null ? "-" : keyId.substring(0, Math.min(8, keyId.length()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
