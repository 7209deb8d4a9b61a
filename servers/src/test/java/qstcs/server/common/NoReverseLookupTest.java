package qstcs.server.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * A server JVM never asks DNS for the name of an address (a field network may have no DNS server,
 * and each such query then blocks a new TLS connection for the resolver's timeout).
 */
class NoReverseLookupTest {

    @Test
    void anAddressKeepsItsLiteralEvenWhereTheHostsFileNamesIt() throws Exception {
        // The system resolver would answer "localhost" from /etc/hosts: this fails without the provider.
        assertEquals("127.0.0.1", InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName());
        assertEquals("10.78.1.2", new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 78, 1, 2}), 8443)
                .getHostName());
    }

    @Test
    void namesStillResolve() throws Exception {
        InetAddress localhost = InetAddress.getByName("localhost");
        assertTrue(localhost.isLoopbackAddress(), localhost::toString);
    }
}
