package qstcs.server.pki;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a server on this machine is reached by, for its certificate's subject alternative
 * names: localhost, the loopback addresses, the host name and every LAN address (soldiers'
 * laptops dial the server machine by its Wi-Fi address in the multi-machine demo).
 */
public final class HostNames {

    private HostNames() {
    }

    /** Local names and addresses plus {@code extra} (from {@code --san}), without duplicates. */
    public static Set<String> localSans(Collection<String> extra) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host != null && !host.isBlank()) {
                names.add(host);
            }
        } catch (UnknownHostException e) {
            // No resolvable host name: addresses still work.
        }
        names.addAll(lanAddresses());
        names.addAll(extra);
        return names;
    }

    /** Addresses of interfaces that are up, loopback and link-local excluded. */
    public static List<String> lanAddresses() {
        List<String> out = new ArrayList<>();
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                NetworkInterface nic = interfaces.nextElement();
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                    if (a.isLinkLocalAddress() || a.isLoopbackAddress()) {
                        continue;
                    }
                    if (a instanceof Inet4Address || a instanceof Inet6Address) {
                        String text = a.getHostAddress();
                        int scope = text.indexOf('%');
                        out.add(scope < 0 ? text : text.substring(0, scope));
                    }
                }
            }
        } catch (SocketException e) {
            // Interface enumeration can fail in sandboxes; loopback names still go in.
        }
        return out;
    }
}
