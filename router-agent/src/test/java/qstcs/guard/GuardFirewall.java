package qstcs.guard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the router namespace's firewall the way an operator would ({@code iptables -S},
 * {@code nft list}) to see what the guard did: whether its block is complete, how many copies of
 * each rule exist, and how many packets the DROP rules caught.
 */
final class GuardFirewall {
    static final String CHAIN = "QSTCS_GUARD";
    static final String NFT_TABLE = "qstcs_guard";
    private static final Pattern IPT_COUNTER = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+DROP\\b", Pattern.MULTILINE);
    private static final Pattern NFT_COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+ drop");

    private final RouterLab lab;
    private final String backend;
    private final int chatPort;

    GuardFirewall(RouterLab lab, String backend, int chatPort) {
        this.lab = lab;
        this.backend = backend;
        this.chatPort = chatPort;
    }

    /** The router's ruleset as text (everything, for assertion messages). */
    String dump() {
        if (backend.equals("nft")) {
            return lab.exec(lab.router, "nft", "list", "ruleset").output();
        }
        return lab.exec(lab.router, "iptables", "-S").output() + lab.exec(lab.router, "ip6tables", "-S").output();
    }

    /** The guard's block is complete: hook into FORWARD plus both DROP rules. */
    boolean blocking() {
        if (backend.equals("nft")) {
            String chain = lab.exec(lab.router, "nft", "list", "chain", "inet", NFT_TABLE, "forward").output();
            return chain.contains("hook forward") && count(chain, "tcp dport " + chatPort + " counter") == 1
                    && count(chain, "tcp sport " + chatPort + " counter") == 1;
        }
        return lab.exec(lab.router, "iptables", "-C", "FORWARD", "-j", CHAIN).ok()
                && lab.exec(lab.router, "iptables", "-C", CHAIN, "-p", "tcp", "--dport", "" + chatPort, "-j", "DROP").ok()
                && lab.exec(lab.router, "iptables", "-C", CHAIN, "-p", "tcp", "--sport", "" + chatPort, "-j", "DROP").ok();
    }

    /**
     * One cheap check that the block is in force, for timing: the FORWARD hook (iptables) or the
     * guard's chain (nft). Both are added last / atomically, so they stand for the whole block.
     */
    boolean hooked() {
        if (backend.equals("nft")) {
            return lab.exec(lab.router, "nft", "list", "chain", "inet", NFT_TABLE, "forward").ok();
        }
        return lab.exec(lab.router, "iptables", "-C", "FORWARD", "-j", CHAIN).ok();
    }

    /** Nothing of the guard is left: no chain, no hook, no table. */
    boolean clean() {
        String all = dump();
        return !all.contains(CHAIN) && !all.contains(NFT_TABLE);
    }

    /**
     * How often each piece of the block occurs, as "hooks/dport/sport" (IPv4 for iptables): "1/1/1"
     * when blocking, "0/0/0" when clean; anything else means a duplicate or a partial block.
     */
    String ruleCounts() {
        String all = dump();
        if (backend.equals("nft")) {
            return count(all, "table inet " + NFT_TABLE) + "/" + count(all, "tcp dport " + chatPort + " counter")
                    + "/" + count(all, "tcp sport " + chatPort + " counter");
        }
        String v4 = lab.exec(lab.router, "iptables", "-S").output();
        return count(v4, "-A FORWARD -j " + CHAIN) + "/" + count(v4, "--dport " + chatPort + " -j DROP") + "/"
                + count(v4, "--sport " + chatPort + " -j DROP");
    }

    /** Removes whatever a (failed) test left in the router namespace's firewall; that namespace is ours. */
    static void wipe(RouterLab lab) {
        for (String tool : new String[] {"iptables", "ip6tables"}) {
            lab.exec(lab.router, tool, "-F");
            lab.exec(lab.router, tool, "-X");
        }
        lab.exec(lab.router, "nft", "delete", "table", "inet", NFT_TABLE);
    }

    /** Packets the guard's DROP rules have caught so far. */
    long droppedPackets() {
        long sum = 0;
        if (backend.equals("nft")) {
            Matcher m = NFT_COUNTER.matcher(lab.exec(lab.router, "nft", "list", "table", "inet", NFT_TABLE).output());
            while (m.find()) {
                sum += Long.parseLong(m.group(1));
            }
        } else {
            Matcher m = IPT_COUNTER.matcher(lab.exec(lab.router, "iptables", "-L", CHAIN, "-v", "-x", "-n").output());
            while (m.find()) {
                sum += Long.parseLong(m.group(1));
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        return backend;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
