package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Many devices upgrading to WebSocket at the same moment on a relay that has just started: every
 * upgrade must succeed. Helidon 4.5 builds a shared header's value list lazily on the first
 * upgrade check without synchronization, and two first upgrades at once could end in a 500
 * ({@link UpgradeRaceGuard}). A race only shows sometimes, so each round starts a fresh relay and
 * fires all the upgrades together; without the guard a run of this test can pass by luck, with it
 * a failure means the race (or another one) is back.
 */
class FirstUpgradesIT {

    private static final int ROUNDS = 5;
    private static final int CLIENTS = 24;

    @Test
    void simultaneousFirstUpgradesOnAFreshRelayAllSucceed() throws Exception {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(CLIENTS);   // all upgrades in flight together, not 5 at a time
        dispatcher.setMaxRequests(CLIENTS);
        OkHttpClient http = WsTestClient.HTTP.newBuilder().dispatcher(dispatcher).build();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                try (RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests())) {
                    String url = "ws://127.0.0.1:" + relay.port() + "/";
                    List<WsTestClient> clients = new ArrayList<>();
                    for (int i = 0; i < CLIENTS; i++) {
                        clients.add(WsTestClient.attempt(http, url));
                    }
                    for (WsTestClient c : clients) {
                        c.opened.handle((ws, e) -> null).get(WsTestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
                        assertTrue(c.opened.isDone() && !c.opened.isCompletedExceptionally(),
                                "round " + round + ": an upgrade failed: " + c.failure.getNow(null));
                    }
                    clients.forEach(WsTestClient::close);
                }
            }
        } finally {
            dispatcher.executorService().shutdown();
        }
    }
}
