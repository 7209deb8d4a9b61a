package qstcs.relay;

import java.io.PrintStream;

import io.helidon.logging.common.LogConfig;
import qstcs.relay.auth.RelayIdentity;
import qstcs.server.common.CommandLine;
import qstcs.server.common.ListenBanner;

/**
 * {@code ./qstcs relay}: parses the command line, starts a {@link RelayServer} (which owns the
 * wiring) and prints where to reach it.
 */
public final class Main {

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

    private static void printBanner(PrintStream out, RelayServer relay) {
        RelaySettings s = relay.settings();
        String bind = s.effectiveBind(relay.secure());
        int port = relay.port();
        out.println("QSTCS relay — zero-knowledge WebSocket relay (reads only type, id, sender, recipient)");
        ListenBanner.printListener(out, relay.secure() ? "wss" : "ws", bind, port, "chat clients (WebSocket, path /)");
        ListenBanner.printListener(out, relay.secure() ? "https" : "http", bind, port,
                "GET /stats, /observe/health, /observe/metrics");
        out.printf(java.util.Locale.ROOT, "  connections: at most %d at once; %s%n", relay.maxConnections(),
                relay.maxConnectionsReason());
        out.println(s.kms().map(k -> "  link status: following " + k + "/link_status (RED closes every session)")
                .orElse("  link status: not following a KMS (--kms URL to enable)"));
        s.cluster().ifPresent(c -> out.println("  cluster: relay " + c.node() + " of the relays sharing " + c.nats()
                + " (NATS JetStream)"));
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
