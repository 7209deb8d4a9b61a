package qstcs.relay;

import java.time.Duration;
import java.time.Instant;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.relay.auth.Admission;
import qstcs.server.http.ConnectionGate;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The relay's idle limit ({@link RelayServer#IDLE_TIMEOUT}, 5 min) holds for registered
 * WebSocket connections, through the relay's own upgrade: a device that sends nothing is closed,
 * one that keeps pinging is not. The relay is wired as in production ({@link RelayServer#setup})
 * with the limit shortened to 1 s so the test is quick.
 */
class RelayIdleIT {
    private static final Duration IDLE = Duration.ofSeconds(1);
    private ConnectionGate gate;
    private WebServer server;

    @BeforeEach
    void start() {
        gate = new ConnectionGate(ConnectionGate.Limits.DEFAULT);
        WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false);
        RelayServer.setup(b, new Switchboard(RelayLimits.DEFAULT, Admission.OPEN, System::nanoTime), Instant.now(), gate);
        server = b.idleConnectionTimeout(IDLE).idleConnectionPeriod(Duration.ofMillis(200)).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        gate.close();
    }

    @Test
    void aSilentDeviceIsClosedAndAPingingOneIsNot() throws Exception {
        try (WsTestClient silent = WsTestClient.register(WsTestClient.HTTP, server.port(), "Idle_Silent");
             WsTestClient pinging = WsTestClient.register(WsTestClient.HTTP, server.port(), "Idle_Pinging")) {
            Await.until("the silent device is closed after " + IDLE, () -> {
                pinging.assertAlive();
                return silent.closed.isDone();
            });
            assertFalse(pinging.closed.isDone(), "a device that pings is never idle");
            pinging.assertAlive();
        }
    }
}
