package qstcs.bench.relay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code /proc/PID} says about a server process the benches started: CPU time (user and
 * kernel), the JIT compiler threads' share of it, read and write system calls and bytes, and how
 * often a named thread slept. One reading for every relay bench, so the real relay and the null
 * relay of {@link RelayFloorBench} are measured the same way.
 */
final class ProcFigures {

    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final long NANOS_PER_TICK = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;

    private final long pid;

    ProcFigures(long pid) {
        this.pid = pid;
    }

    /** User plus system CPU time of the process so far, in nanoseconds. */
    long cpuNanos() throws IOException {
        String[] f = statFields(Files.readString(Path.of("/proc/" + pid + "/stat")));
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK; // utime, stime
    }

    /** The kernel's share of {@link #cpuNanos()} (system calls, the TCP stack, wake-ups). */
    long systemCpuNanos() throws IOException {
        return Long.parseLong(statFields(Files.readString(Path.of("/proc/" + pid + "/stat")))[12]) * NANOS_PER_TICK;
    }

    /**
     * CPU time (user plus system) of the process's JIT compiler threads so far, in nanoseconds:
     * code still being compiled is a cost of the server's first minutes, not of each message.
     */
    long compilerCpuNanos() throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String[] f = statFields(stat);
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return ticks * NANOS_PER_TICK;
    }

    /**
     * Read and write system calls and bytes of the process so far: syscr, syscw, rchar and wchar of
     * {@code /proc/PID/io} (sockets included), in that order.
     */
    long[] syscalls() throws IOException {
        long[] io = new long[4];
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
            int i = line.startsWith("syscr:") ? 0 : line.startsWith("syscw:") ? 1
                    : line.startsWith("rchar:") ? 2 : line.startsWith("wchar:") ? 3 : -1;
            if (i >= 0) {
                io[i] = Long.parseLong(line.substring(6).trim());
            }
        }
        return io;
    }

    /**
     * How often the threads whose names start with {@code prefix} went to sleep so far (voluntary
     * context switches: blocked in {@code epoll_wait}, parked): each is a wake-up later.
     */
    long sleeps(String prefix) throws IOException {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    /** Resident set size of the process, in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** The fields of a {@code stat} line after the command name (which may contain spaces). */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The machine's load average over 1, 5 and 15 minutes, e.g. "0.52 1.10 2.03". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
