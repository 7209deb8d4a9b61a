package qstcs.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import qstcs.client.ChatMessage;
import qstcs.client.ClientConfig;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.SecureChatSession;
import qstcs.client.SessionListener;
import qstcs.crypto.tls.DeviceCredentials;

/**
 * One soldier of the several-machines cluster test, standing in for the chat window
 * ({@code ./qstcs chat --device ID [--relay URL,URL]}) on that soldier's own machine: the same
 * saved credentials, the relays saved at enrollment or a relay list typed instead, the same
 * session. It plays a fixed script and tells the test script where it is by creating files
 * {@code STEPS/ID.STEP}; the test script drives the servers (kills a relay, attacks, resets)
 * between steps. Exits 0 when every step passed, 1 with the reason otherwise.
 *
 * <p>Steps: {@code online} (registered, peer online); {@code streaming} (a quarter of the peer's
 * messages arrived while ours keep going); {@code delivered} (every message of the peer once and
 * in order, every one of ours confirmed by the peer, ✓✓); {@code compromised} (the RED cut-off
 * reached this soldier); {@code done} (re-keyed after the reset, one message each way, ours
 * confirmed).
 */
public final class ScriptedSoldier {

    private static final Duration STEP_WAIT = Duration.ofSeconds(120);

    private final String me;
    private final String peer;
    private final Path steps;
    private final Map<String, DeliveryState> mine = new LinkedHashMap<>();
    private final List<String> fromPeer = new ArrayList<>();
    private final List<ConnectionState> states = new ArrayList<>();
    private String lastStateMessage = "";

    private ScriptedSoldier(String me, String peer, Path steps) {
        this.me = me;
        this.peer = peer;
        this.steps = steps;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--home", "--device", "--peer", "--steps", "--messages")) {
            if (!opts.containsKey(required)) {
                System.err.println("Usage: ScriptedSoldier --home DIR --device ID --peer ID [--relay URL[,URL…]]"
                        + " --steps DIR --messages N   (missing " + required + ")");
                System.exit(2);
            }
        }
        ScriptedSoldier soldier = new ScriptedSoldier(opts.get("--device"), opts.get("--peer"),
                Path.of(opts.get("--steps")));
        int rc;
        try {
            soldier.play(Path.of(opts.get("--home")), opts.get("--relay"), Integer.parseInt(opts.get("--messages")));
            rc = 0;
        } catch (AssertionError | IOException e) {
            System.out.println(soldier.me + ": FAILED: " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    private void play(Path home, String relays, int n) throws IOException {
        DeviceCredentials saved = DeviceCredentials.load(home, me)
                .orElseThrow(() -> new IOException("no credentials for " + me + " under " + home));
        ClientConfig config = relays == null ? ClientConfig.of(saved)
                : ClientConfig.of(saved).withRelays(ClientConfig.parseRelayUrls(relays));
        try (SecureChatSession session = new SecureChatSession(config)) {
            session.addListener(new Recorder());
            session.start(peer);
            await("online with " + peer + " present", () -> session.state() == ConnectionState.ONLINE
                    && session.keyId(peer).isPresent());
            step("online");

            Thread sender = Thread.ofPlatform().name("scripted-" + me).start(() -> {
                for (int i = 1; i <= n; i++) {
                    session.send(peer, me + " " + i);
                    try {
                        Thread.sleep(25); // a conversation in progress, so a relay dies mid-stream
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            await("a quarter of " + peer + "'s messages", () -> received() >= n / 4);
            step("streaming");
            try {
                sender.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            await("all " + n + " of " + peer + "'s messages and ✓✓ on all " + n + " of ours",
                    () -> received() >= n && confirmed() == n);
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                expected.add(peer + " " + i);
            }
            synchronized (this) {
                if (!fromPeer.equals(expected)) {
                    throw new AssertionError(peer + "'s messages not each once in order: got " + fromPeer.size()
                            + " starting " + fromPeer.subList(0, Math.min(5, fromPeer.size())));
                }
            }
            step("delivered", "received " + n + " once each in order, " + confirmed() + " of " + n
                    + " confirmed; lost the relay and reconnected: " + sawState(ConnectionState.RECONNECTING));

            await("the RED cut-off", () -> session.state() == ConnectionState.COMPROMISED);
            step("compromised", lastStateMessage());

            await("online again after the reset", () -> session.state() == ConnectionState.ONLINE
                    && session.keyId(peer).isPresent());
            String last = session.send(peer, me + " after reset");
            // Both ways, and ours confirmed (✓✓) before the window closes, as a soldier would wait.
            await(peer + "'s message after the reset and ✓✓ on ours", () -> receivedText(peer + " after reset")
                    && delivery(last) == DeliveryState.DELIVERED);
            step("done");
        }
    }

    private void step(String name) throws IOException {
        step(name, "");
    }

    private void step(String name, String detail) throws IOException {
        System.out.println(me + ": " + name + (detail.isEmpty() ? "" : " (" + detail + ")"));
        Files.writeString(steps.resolve(me + "." + name), detail);
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + STEP_WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + STEP_WAIT.toSeconds() + " s in vain for " + what);
            }
            try {
                Thread.sleep(50); // polling the session's observable state
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private synchronized int received() {
        return fromPeer.size();
    }

    private synchronized boolean receivedText(String text) {
        return fromPeer.contains(text);
    }

    private synchronized long confirmed() {
        return mine.values().stream().filter(s -> s == DeliveryState.DELIVERED).count();
    }

    private synchronized DeliveryState delivery(String id) {
        return mine.get(id);
    }

    private synchronized boolean sawState(ConnectionState s) {
        return states.contains(s);
    }

    private synchronized String lastStateMessage() {
        return lastStateMessage;
    }

    /** Keeps what the chat window would show: messages, ticks, connection states. */
    private final class Recorder implements SessionListener {
        @Override
        public void connectionChanged(ConnectionState state, String message) {
            synchronized (ScriptedSoldier.this) {
                states.add(state);
                lastStateMessage = message;
            }
            System.out.println(me + ": " + state + " — " + message);
        }

        @Override
        public void messageAdded(ChatMessage m) {
            synchronized (ScriptedSoldier.this) {
                if (m.outgoing()) {
                    mine.put(m.id(), m.delivery());
                } else {
                    fromPeer.add(m.text());
                }
            }
        }

        @Override
        public void problem(qstcs.client.ClientException e) {
            System.out.println(me + ": problem — " + e.getMessage());
        }

        @Override
        public void deliveryChanged(String id, DeliveryState state) {
            synchronized (ScriptedSoldier.this) {
                mine.computeIfPresent(id, (k, v) -> state);
            }
        }
    }
}
