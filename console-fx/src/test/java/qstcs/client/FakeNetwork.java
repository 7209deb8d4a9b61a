package qstcs.client;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.wire.FlatJson;

/**
 * A relay, a key service and a clock in memory for {@link SessionCore}s: every frame goes through
 * the real parser, keys are real 256-bit keys, and nothing happens until the test says so
 * ({@link #deliver()}, {@link #advance}, {@link #fireRetries()}). Single-threaded and deterministic.
 */
final class FakeNetwork {
    final Clock clock = new Clock();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> inFlight = new ArrayDeque<>();
    private final Map<String, List<String>> offline = new HashMap<>();
    private final Map<String, String> pairKeys = new HashMap<>();
    private final Map<String, String> keysById = new HashMap<>();
    /** Every frame a device put on the wire, in order, as sent. */
    final List<String> wire = new ArrayList<>();
    /** Per recipient: frames routed to it that it has not read yet (queued, or on their way to it). */
    private final Map<String, Integer> waiting = new HashMap<>();
    /** Per recipient: the most frames that ever waited for it at once (what a relay had to hold). */
    final Map<String, Integer> mostWaiting = new HashMap<>();
    private LinkStatus link = reading(LinkColour.GREEN, 1, 0);
    private int keyCount;
    private boolean relayUp = true;
    /** The key service answers no key request (down, or refusing): not a breach. */
    boolean keysDown;
    /** The key service answers nothing at all, not even the link status. */
    boolean kmsDown;
    /** A relay that tampers: it may rewrite a routed frame before delivering it. */
    java.util.function.UnaryOperator<String> tamper = f -> f;

    /** A fake clock both times of a session read from. */
    static final class Clock implements SessionClock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");
        private long nanos;

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public long nanoTime() {
            return nanos;
        }
    }

    /** One device: its core, what it reported, and its I/O as the fake network does it. */
    final class Device implements SessionCore.Port, KeySource {
        final String id;
        final SessionRecorder seen = new SessionRecorder();
        final SessionCore core;
        boolean connected;
        boolean registered;
        Long retryInMillis;

        Device(String id, boolean hybrid) {
            this.id = id;
            ClientConfig config = ClientConfig.of(id, "https://kms.test:8443", "wss://relay.test:8765").withPqc(hybrid);
            this.core = new SessionCore(config, this, this, clock, seen);
        }

        @Override
        public void connect() {
            connected = true;
            registered = false;
            inFlight.add(this::register);
        }

        private void register() {
            if (!connected || registered || !relayUp) {
                return;
            }
            registered = true;
            List<String> online = devices.values().stream().filter(d -> d.registered).map(d -> d.id).toList();
            core.relayFrame(parse("{\"type\":\"registered\",\"device_id\":\"" + id + "\",\"online\":["
                    + String.join(",", online.stream().map(s -> "\"" + s + "\"").toList()) + "]}"));
            for (Device other : devices.values()) {
                if (other != this && other.registered) {
                    inFlight.add(() -> other.relay("{\"type\":\"presence\",\"device_id\":\"" + id + "\",\"online\":true}"));
                }
            }
            for (String queued : offline.getOrDefault(id, new ArrayList<>())) {
                inFlight.add(() -> read(queued));
            }
            offline.remove(id);
        }

        @Override
        public void disconnect() {
            boolean was = registered;
            connected = false;
            registered = false;
            if (was) {
                for (Device other : devices.values()) {
                    if (other != this && other.registered) {
                        inFlight.add(() -> other.relay("{\"type\":\"presence\",\"device_id\":\"" + id
                                + "\",\"online\":false}"));
                    }
                }
            }
        }

        @Override
        public boolean send(String frame) {
            if (!connected) {
                return false;
            }
            wire.add(frame);
            FlatJson f = FlatJson.parse(frame);
            String to = f.string("recipient");
            String routed = tamper.apply(frame);
            Device recipient = devices.get(to);
            boolean delivered = recipient != null && recipient.registered;
            int now = waiting.merge(to, 1, Integer::sum);
            mostWaiting.merge(to, now, Math::max);
            if (delivered) {
                inFlight.add(() -> recipient.read(routed));
            } else {
                offline.computeIfAbsent(to, k -> new ArrayList<>()).add(routed);
            }
            String ackId = f.string("id");
            inFlight.add(() -> relay("{\"type\":\"ack\",\"id\":\"" + ackId + "\",\"status\":\""
                    + (delivered ? "delivered" : "queued") + "\"}"));
            return true;
        }

        private void relay(String frame) {
            if (registered) {
                core.relayFrame(parse(frame));
            }
        }

        /** A frame another device sent reaches this one: it no longer waits for it. */
        private void read(String frame) {
            waiting.merge(id, -1, Integer::sum);
            relay(frame);
        }

        @Override
        public void retryAfter(long millis) {
            retryInMillis = millis;
        }

        @Override
        public void cancelRetry() {
            retryInMillis = null;
        }

        @Override
        public LinkStatus linkStatus() throws ClientException {
            if (kmsDown) {
                throw new ClientException(ClientException.Problem.KMS_UNREACHABLE, "Cannot reach the key service");
            }
            return link;
        }

        @Override
        public void watchLink() {
        }

        @Override
        public IssuedKey pairKey(String peer, boolean hybrid, boolean fresh) throws ClientException {
            requireGreen();
            String pair = id.compareTo(peer) < 0 ? id + "|" + peer : peer + "|" + id;
            String keyId = pairKeys.get(pair);
            if (keyId == null || fresh) {
                keyId = "key-" + (++keyCount);
                keysById.put(keyId, SecretBytes.random(KeyLength.BYTES, random).toHex());
                pairKeys.put(pair, keyId);
            }
            return IssuedKey.fromHex(keyId, keysById.get(keyId));
        }

        @Override
        public IssuedKey keyById(String peer, String keyId) throws ClientException {
            requireGreen();
            String hex = keysById.get(keyId);
            if (hex == null) {
                throw new ClientException(ClientException.Problem.KEY_GONE, "The key service does not know that key: unknown_key");
            }
            return IssuedKey.fromHex(keyId, hex);
        }

        private void requireGreen() throws ClientException {
            if (keysDown || kmsDown) {
                throw new ClientException(ClientException.Problem.KMS_UNREACHABLE, "Cannot reach the key service");
            }
            if (!link.status().issuesKeys()) {
                throw new ClientException(ClientException.Problem.LINK_COMPROMISED, "RED");
            }
        }
    }

    Device device(String id) {
        return device(id, false);
    }

    Device device(String id, boolean hybrid) {
        Device d = new Device(id, hybrid);
        devices.put(id, d);
        return d;
    }

    private static RelayFrame parse(String text) {
        return RelayFrame.parse(text).orElseThrow(() -> new AssertionError("the parser refused " + text));
    }

    /** Delivers frames until nothing is in flight; returns how many steps that took. */
    int deliver() {
        int steps = 0;
        while (!inFlight.isEmpty()) {
            inFlight.poll().run();
            if (++steps > 1_000_000) {
                throw new AssertionError("frames keep flowing: a loop");
            }
        }
        return steps;
    }

    /** Drops whatever is in flight (a relay restart loses its queues). */
    void dropInFlight() {
        inFlight.clear();
        offline.clear();
        waiting.clear();
    }

    /** The relay goes down: every connection closes, nobody can register until it is back. */
    void relayDown() {
        relayUp = false;
        dropInFlight();
        for (Device d : devices.values()) {
            if (d.connected) {
                d.connected = false;
                d.registered = false;
                d.core.relayClosed(1001, null);
            }
        }
    }

    void relayUp() {
        relayUp = true;
    }

    /**
     * The relay of {@code id} shuts down under it (another relay of a cluster carries on): the
     * others see it go offline, and what is sent to it waits for it until it registers again.
     */
    void connectionLost(String id) {
        Device d = devices.get(id);
        d.disconnect();
        d.core.relayClosed(1001, null);
    }

    /** Runs every scheduled reconnect or re-key attempt, then delivers. */
    void fireRetries() {
        for (Device d : devices.values()) {
            if (d.retryInMillis != null) {
                d.retryInMillis = null;
                d.core.retryDue();
            }
        }
        deliver();
    }

    /** The key service restarts: it forgets every key it handed out (not a breach: the link stays as it was). */
    void kmsRestart() {
        pairKeys.clear();
        keysById.clear();
    }

    /** Takes {@code id} off the network (its window closed) so that a new device of that name can join. */
    void leave(String id) {
        Device d = devices.get(id);
        d.core.close();
        devices.remove(id);
        deliver();
    }

    void advance(Duration d) {
        clock.now = clock.now.plus(d);
        clock.nanos += d.toNanos();
    }

    /** The key service's link changes colour; every session's watcher sees it. */
    void setLink(LinkColour color) {
        long attacks = link.attacksDetected() + (color == LinkColour.RED ? 1 : 0);
        if (color == LinkColour.RED) {
            pairKeys.clear(); // the key service revokes every key on RED
            keysById.clear();
        }
        link = reading(color, link.version() + 1, attacks);
        for (Device d : devices.values()) {
            d.core.linkReading(link);
        }
        deliver();
    }

    private static LinkStatus reading(LinkColour color, long version, long attacks) {
        double qber = color == LinkColour.RED ? 0.25 : 0.01;
        return new LinkStatus(color, qber, 0, 0, attacks, 0, false, 0, version, version, qber, 0, 0, Instant.EPOCH, 0, LinkStatus.NO_REASON, attacks);
    }

    /** The frames on the wire of one type. */
    List<String> sent(String type) {
        return wire.stream().filter(typed(type)).toList();
    }

    static Predicate<String> typed(String type) {
        return f -> f.startsWith("{\"type\":\"" + type + "\"");
    }

    Set<String> keyIds() {
        return new HashSet<>(keysById.keySet());
    }
}
