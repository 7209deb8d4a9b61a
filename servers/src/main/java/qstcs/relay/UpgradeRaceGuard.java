package qstcs.relay;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;

/**
 * Works around a race in Helidon 4.5's WebSocket upgrade: {@code WsUpgrader} checks every
 * upgrade request against one shared {@code Connection: Upgrade} header whose value list is
 * built lazily, without synchronization, on first use. When the first two upgrades after a start
 * arrive together (two soldiers joining a fresh relay) one thread can iterate the list while the
 * other fills it: a {@code ConcurrentModificationException} and a 500 instead of the upgrade. Our
 * several-machines test hit it. Running the same check once, on the starting thread before the
 * server accepts connections, builds the list early; the server's threads start afterwards, so
 * they see it complete.
 */
final class UpgradeRaceGuard extends WsUpgrader {

    private UpgradeRaceGuard(WsConfig config) {
        super(config); // never instantiated: the subclass exists only to reach the protected check
    }

    /** Runs Helidon's upgrade check once on this thread. Call before the server starts. */
    static void prime() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(HeaderNames.UPGRADE, "websocket");
        headers.set(HeaderNames.CONNECTION, "Upgrade");
        if (!isWebSocketUpgrade(headers)) {
            throw new IllegalStateException("Helidon's WebSocket upgrade check refused a valid upgrade request");
        }
    }
}
