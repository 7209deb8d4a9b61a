package qstcs.bench.soak;

import java.util.List;

/**
 * The legitimate key route under the soak: ten requests a second for the chat devices' pair keys
 * in turn ({@code POST /get_session_key} over TLS with each device's token), each timed. While the
 * link is RED the KMS issues nothing and nothing is timed.
 */
final class KeyRequests implements Runnable {

    private final List<ChatDevice> devices;
    private final LatencyWindow latency;
    private final SoakCounters counters;
    private volatile boolean running = true;

    KeyRequests(List<ChatDevice> devices, LatencyWindow latency, SoakCounters counters) {
        this.devices = devices;
        this.latency = latency;
        this.counters = counters;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        for (int n = 0; running; n++) {
            ChatDevice device = devices.get(n % devices.size());
            // Devices come in pairs (a, b): each asks for the key it shares with its partner.
            ChatDevice peer = devices.get(n % devices.size() ^ 1);
            long start = System.nanoTime();
            try {
                device.pairKey(peer.id, latency::add);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!counters.duringAttack(start, System.nanoTime())) {
                    counters.legitimateErrors.increment();
                    counters.failure("key request of " + device.id + ": " + e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
