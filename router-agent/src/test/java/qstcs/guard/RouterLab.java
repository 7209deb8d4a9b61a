package qstcs.guard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test network: a client, a router and a server namespace joined by two veth pairs, the
 * router forwarding between them. The veth ends are created directly inside the namespaces and
 * every address is a private 10.231.x.0/24 that exists only in here, so nothing of the host's own
 * network or firewall is touched. Namespace names carry the test JVM's pid; {@link #close()} (also
 * run from a shutdown hook) kills what runs inside and deletes them, and a later run removes
 * namespaces whose JVM died without cleaning up.
 *
 * <pre>
 *   client 10.231.1.2 ── 10.231.1.1 router 10.231.2.1 ── 10.231.2.2 server (KMS, relay)
 * </pre>
 */
final class RouterLab implements AutoCloseable {
    static final String CLIENT_IP = "10.231.1.2";
    static final String ROUTER_LAN_IP = "10.231.1.1";
    static final String ROUTER_WAN_IP = "10.231.2.1";
    static final String SERVER_IP = "10.231.2.2";

    private static final String PREFIX = "qstcs-guard-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+-(client|router|server)");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<RouterLab> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(RouterLab::close), "router-lab-cleanup"));
    }

    final String client;
    final String router;
    final String server;
    final Path logDir;
    private final List<NamespaceProcess> processes = new ArrayList<>();
    private final Map<String, NamespaceThread> threads = new java.util.HashMap<>();
    private boolean closed;

    private RouterLab(String base, Path logDir) {
        this.client = base + "-client";
        this.router = base + "-router";
        this.server = base + "-server";
        this.logDir = logDir;
    }

    static RouterLab create(Path logDir) {
        removeStale();
        deleteTree(logDir);  // logs and KMS state of the previous run
        String base = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        RouterLab lab = new RouterLab(base, logDir);
        OPEN.add(lab);
        try {
            lab.build();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() {
        for (String ns : List.of(client, router, server)) {
            Command.of("ip", "netns", "add", ns).check();
            Command.of("ip", "-n", ns, "link", "set", "lo", "up").check();
        }
        Command.of("ip", "-n", client, "link", "add", "eth0", "type", "veth", "peer", "name", "lan0", "netns", router).check();
        Command.of("ip", "-n", server, "link", "add", "eth0", "type", "veth", "peer", "name", "wan0", "netns", router).check();
        address(client, "eth0", CLIENT_IP);
        address(router, "lan0", ROUTER_LAN_IP);
        address(router, "wan0", ROUTER_WAN_IP);
        address(server, "eth0", SERVER_IP);
        Command.of("ip", "-n", client, "route", "add", "default", "via", ROUTER_LAN_IP).check();
        Command.of("ip", "-n", server, "route", "add", "default", "via", ROUTER_WAN_IP).check();
        if (!exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1").ok()) {
            throw new IllegalStateException("cannot enable IP forwarding in " + router);
        }
    }

    private static void address(String ns, String dev, String ip) {
        Command.of("ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev).check();
        Command.of("ip", "-n", ns, "link", "set", dev, "up").check();
    }

    /** Runs a short command inside a namespace. */
    Command.Result exec(String ns, String... argv) {
        String[] full = new String[argv.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(argv, 0, full, 4, argv.length);
        return Command.of(full).run(20);
    }

    /** Starts a long-running program inside a namespace; it is stopped by {@link #close()}. */
    synchronized NamespaceProcess start(String label, String ns, Map<String, String> env, List<String> command) {
        NamespaceProcess p = NamespaceProcess.start(label, ns, env, logDir, command);
        processes.add(p);
        return p;
    }

    /** Stops every process whose label starts with {@code prefix} (e.g. the guards of a test). */
    synchronized void stopAll(String prefix) {
        processes.stream().filter(p -> p.label().startsWith(prefix)).forEach(NamespaceProcess::close);
    }

    /** A thread inside namespace {@code ns}, for the test's own sockets and HTTP clients there. */
    synchronized NamespaceThread thread(String ns) {
        return threads.computeIfAbsent(ns, NamespaceThread::new);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NamespaceProcess p : processes) {
            p.close();
        }
        threads.values().forEach(NamespaceThread::close);
        for (String ns : List.of(client, router, server)) {
            delete(ns);
        }
        OPEN.remove(this);
    }

    /** Kills whatever still runs in the namespace, then deletes it (and with it its veth ends). */
    private static void delete(String ns) {
        Command.Result pids = Command.of("ip", "netns", "pids", ns).run(10);
        if (pids.ok()) {
            for (String pid : pids.output().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        Command.of("ip", "netns", "delete", ns).run(10);
    }

    private static void deleteTree(Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot clear " + dir, e);
        }
    }

    /** Namespaces of earlier test JVMs that died before their cleanup ran. */
    private static void removeStale() {
        Command.Result list = Command.of("ip", "netns", "list").run(10);
        if (!list.ok()) {
            return;
        }
        for (String line : list.output().split("\n")) {
            Matcher m = OURS.matcher(line.strip().split("\\s")[0]);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                delete(m.group(0));
            }
        }
    }
}
