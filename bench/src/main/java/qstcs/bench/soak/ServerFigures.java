package qstcs.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a server process holds at one moment, read from {@code /proc/PID}: resident memory, open
 * file descriptors (sockets included) and threads (platform threads; virtual threads are not
 * kernel threads and do not appear).
 */
record ServerFigures(double rssMib, int fileDescriptors, int threads) {

    static ServerFigures of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rssKib = -1;
        int threads = -1;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKib = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        int fds;
        try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
            fds = (int) entries.count();
        }
        if (rssKib < 0 || threads < 0) {
            throw new IOException("no VmRSS or Threads in " + proc.resolve("status"));
        }
        return new ServerFigures(rssKib / 1024.0, fds, threads);
    }
}
