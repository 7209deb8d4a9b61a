package qstcs.server.common;

import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The start-up lines a presenter reads off the terminal: where the server listens and which LAN
 * addresses the other machines of the demo should use.
 */
public final class ListenBanner {
    private ListenBanner() {
    }

    /** IPv4 addresses of interfaces that are up and not loopback, e.g. {@code 192.168.1.100}. */
    public static List<String> lanAddresses() {
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        out.add(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // No interface list (unusual sandbox): the banner then shows only the bind address.
        }
        return out;
    }

    /**
     * Prints one line per URL; when bound to all interfaces the host part is shown for
     * localhost and for every LAN address.
     *
     * @param scheme {@code http}, {@code https} or {@code ws}
     * @param label what the listener serves, e.g. "public routes"
     */
    public static void printListener(PrintStream out, String scheme, String bind, int port, String label) {
        List<String> hosts = new ArrayList<>();
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.isBlank()) {
            hosts.add("localhost");
            hosts.addAll(lanAddresses());
        } else {
            hosts.add(bind.contains(":") ? "[" + bind + "]" : bind);
        }
        for (String h : hosts) {
            out.printf("  %-36s %s%n", scheme + "://" + h + ":" + port, label);
        }
    }
}
