package qstcs.server.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The servers' name resolver: forward lookups ({@code kms.lan} → address) go to the system
 * resolver as usual, reverse lookups (address → name) are refused at once, so
 * {@link InetAddress#getHostName()} gives the address literal.
 *
 * <p>Why: Helidon 4.5's TLS listener asks for the peer's host name on every accepted connection
 * ({@code InetSocketAddress.getHostName()}, a reverse DNS query). On a field network whose DNS
 * server is absent or unreachable, each query waits for the resolver's timeout (5 s, retried), so
 * every new TLS connection to the KMS or the relay stalled for seconds: devices took 15 s to come
 * online and the relay's token checks timed out. Nothing in QSTCS needs a peer's DNS name (logs
 * and the audit record addresses), so the lookup is skipped. Registered in
 * {@code META-INF/services/java.net.spi.InetAddressResolverProvider}; it applies to the whole JVM of
 * a server.
 */
public final class NoReverseLookup extends InetAddressResolverProvider {

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver system = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException {
                return system.lookupByName(host, lookupPolicy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                throw new UnknownHostException("QSTCS servers do not look up host names of addresses");
            }
        };
    }

    @Override
    public String name() {
        return "qstcs-no-reverse-lookup";
    }
}
