package qstcs.relay;

import java.io.PrintStream;
import java.time.Instant;

import io.helidon.common.socket.SocketOptions;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import qstcs.relay.auth.RelayIdentity;
import qstcs.server.common.CommandLine;
import qstcs.server.common.JsonErrors;
import qstcs.server.common.ListenBanner;

/**
 * {@code ./qstcs relay}: parses the command line, starts the relay and prints where to reach it.
 * {@link #setup} is the one place that wires the server; {@link RelayServer} and tests use it.
 */
public final class Main {

    /** The relay's WebSocket endpoint path (the brief's clients connect to ws://HOST:8765). */
    static final String ENDPOINT = "/";
    /**
     * Largest WebSocket frame Helidon reads. Frames between the relay's 64 KiB limit and this get
     * an error frame and the connection stays open; larger ones are closed by Helidon (1009).
     */
    static final int MAX_WIRE_FRAME = 1024 * 1024;

    private Main() {
    }

    public static void main(String[] args) {
        RelayOptions.Parsed parsed;
        try {
            parsed = RelayOptions.parse(args);
        } catch (CommandLine.UsageException e) {
            System.err.println("relay: " + e.getMessage());
            System.err.print(RelayOptions.USAGE);
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.print(RelayOptions.USAGE);
            return;
        }
        LogConfig.configureRuntime();
        RelayServer relay;
        try {
            if (parsed.settings().insecure()) {
                relay = RelayServer.start(parsed.settings());
            } else {
                relay = RelayServer.start(parsed.settings(), RelayIdentity.load(parsed.home(), parsed.tlsCert(),
                        parsed.kmsTls().orElseThrow(), parsed.sans()));
            }
        } catch (java.io.IOException e) {
            System.err.println("relay: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("relay: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("relay: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            System.out.println("relay stopped");
        }, "relay-shutdown"));
        printBanner(System.out, relay);
    }

    /** Wires the relay into a server: WebSocket endpoint, plain HTTP routes, frame size. */
    static void setup(WebServerConfig.Builder server, Switchboard switchboard, Instant started) {
        // Without TCP_NODELAY a small frame written while an earlier one is unacknowledged waits
        // for the client's delayed ACK (up to 40 ms on Linux): chat frames are small, latency matters.
        server.connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                // A blocking socket per connection holds one 8 KiB buffer; the NIO socket holds two.
                // Every idle device keeps a connection open, so that is 8 KiB times thousands.
                .useNio(false)
                .directHandlers(JsonErrors.directHandlers())
                .addProtocol(WsConfig.builder().name("websocket").maxFrameLength(MAX_WIRE_FRAME).build())
                .routing(routing -> routing(routing, switchboard, started))
                .addRouting(WsRouting.builder().endpoint(ENDPOINT, () -> new RelayEndpoint(switchboard)));
    }

    static void routing(HttpRouting.Builder routing, Switchboard switchboard, Instant started) {
        JsonErrors.register(routing);
        routing.register(new StatsService(switchboard, started));
    }

    private static void printBanner(PrintStream out, RelayServer relay) {
        RelaySettings s = relay.settings();
        String bind = s.effectiveBind(relay.secure());
        int port = relay.port();
        out.println("QSTCS relay — zero-knowledge WebSocket relay (reads only type, id, sender, recipient)");
        ListenBanner.printListener(out, relay.secure() ? "wss" : "ws", bind, port, "chat clients (WebSocket, path /)");
        ListenBanner.printListener(out, relay.secure() ? "https" : "http", bind, port,
                "GET /stats, /observe/health, /observe/metrics");
        out.println(s.kms().map(k -> "  link status: following " + k + "/link_status (RED closes every session)")
                .orElse("  link status: not following a KMS (--kms URL to enable)"));
        if (relay.secure()) {
            out.println("  device tokens checked with the KMS; revoked devices are disconnected at once");
        } else {
            out.println("""
                    ************************************************************************
                    WARNING: --insecure: plain ws:// WITHOUT device tokens. Anyone who can
                    reach this port may register as any device. Lab use only.
                    ************************************************************************""");
        }
        out.println("Ctrl+C stops the relay.");
    }
}
