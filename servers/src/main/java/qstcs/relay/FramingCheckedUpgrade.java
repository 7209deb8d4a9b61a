package qstcs.relay;

import java.lang.System.Logger.Level;
import java.time.Duration;

import io.helidon.common.Weighted;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;
import io.helidon.websocket.WsSession;

import qstcs.crypto.wire.CloseCode;

/**
 * Helidon's WebSocket upgrade with one repair: a frame Helidon cannot even classify (a reserved
 * opcode such as 0x3, 0xB-0xF) makes its frame reader throw outside the connection's own error
 * handling, and the HTTP layer underneath then writes an HTTP 500 response into the middle of the
 * WebSocket stream. Here such a connection gets the close RFC 6455 asks for, 1002 protocol error
 * with a fixed reason, and ends; the relay's sweep forgets it once its reader thread is gone.
 * Loaded as an {@link Http1UpgradeProvider} service, weighted above Helidon's own so that it, not
 * Helidon's, serves the {@code websocket} upgrade.
 */
public final class FramingCheckedUpgrade implements Http1UpgradeProvider<WsConfig>, Weighted {

    private static final System.Logger LOG = System.getLogger(FramingCheckedUpgrade.class.getName());
    /** Close reason sent for a frame whose opcode RFC 6455 reserves. */
    static final String REASON = "malformed WebSocket frame";

    /** Public for the service loader. */
    public FramingCheckedUpgrade() {
    }

    @Override
    public String protocolType() {
        return "websocket";
    }

    @Override
    public Class<WsConfig> protocolConfigType() {
        return WsConfig.class;
    }

    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        Http1Upgrader helidon = WsUpgrader.create(config);
        return new Http1Upgrader() {
            @Override
            public String supportedProtocol() {
                return helidon.supportedProtocol();
            }

            @Override
            public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
                ServerConnection upgraded = helidon.upgrade(ctx, prologue, headers);
                return upgraded instanceof WsSession session ? new Checked(upgraded, session) : upgraded;
            }
        };
    }

    @Override
    public double weight() {
        return Weighted.DEFAULT_WEIGHT + 10;
    }

    /** A WebSocket connection whose unclassifiable frames end in a 1002 close, not an HTTP 500. */
    private record Checked(ServerConnection ws, WsSession session) implements ServerConnection {

        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                ws.handle(limit);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // Helidon's opcode lookup and frame dispatch throw these for reserved opcodes;
                // everything the listener itself throws is caught inside Helidon's loop.
                LOG.log(Level.INFO, "closing a WebSocket connection: {0}", REASON);
                try {
                    session.close(CloseCode.PROTOCOL_ERROR.code(), REASON);
                } catch (RuntimeException gone) {
                    // The socket is already gone: nothing more to tell the client.
                }
                throw new CloseConnectionException("reserved WebSocket opcode", e);
            }
        }

        @Override
        public Duration idleTime() {
            return ws.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            ws.close(interrupt);
        }
    }
}
