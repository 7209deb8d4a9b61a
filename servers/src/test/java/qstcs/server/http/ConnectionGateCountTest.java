package qstcs.server.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gate's count of what an address holds stays exact while its sweep runs at the same time as
 * connections arrive and finish their heads. The sweep drops the record of an address that holds
 * nothing; if it dropped one that a connection was being counted in at that moment, the connection
 * would be counted nowhere (an address could then hold more than its limit, and a connection the
 * gate serves would not be seen). The sweep runs here in a tight loop to meet those moments.
 */
class ConnectionGateCountTest {
    private static final int ROUNDS = 20_000;

    @Test
    void aConnectionIsCountedForItsAddressWhileSweepsRun() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel accepted = listener.accept();
                ConnectionGate gate = new ConnectionGate(new ConnectionGate.Limits(Duration.ofMinutes(1), 32, 256))) {
            SocketAddress remote = accepted.getRemoteAddress();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread sweeper = Thread.ofPlatform().daemon().start(() -> {
                while (running.get()) {
                    gate.sweep();
                }
            });
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    // The same address and port again stands for a new connection: the earlier one
                    // is released, so between rounds the address may hold nothing for a moment.
                    gate.accepted(accepted);
                    assertEquals(1, gate.held(loopback), "an unfinished connection in round " + round);
                    gate.headersRead(remote);
                    assertEquals(1, gate.held(loopback), "an established connection in round " + round);
                }
            } finally {
                running.set(false);
                sweeper.join();
            }
        }
    }
}
