package qstcs.relay;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away NATS server with JetStream for tests: Debian's {@code nats-server} on a port it
 * picks itself ({@code -p -1}) on loopback, its store in a temporary directory. The port is read
 * from the ports file the server writes once it listens. Without the package the calling test is
 * skipped with a visible message; a failure to start an installed server fails the test.
 */
final class NatsEngine implements AutoCloseable {

    private static final Pattern CLIENT_PORT = Pattern.compile("nats://[^:\"]+:(\\d+)");

    private final Process process;
    private final Path dir;
    private final URI url;

    private NatsEngine(Process process, Path dir, URI url) {
        this.process = process;
        this.dir = dir;
        this.url = url;
    }

    /** Starts a server, or skips the calling test (visibly) when {@code nats-server} is not installed. */
    static NatsEngine startOrSkip(String who) throws IOException, InterruptedException {
        Optional<Path> binary = Stream.of("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server")
                .map(Path::of).filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            String reason = who + " SKIPPED: nats-server is not installed (apt-get install nats-server)";
            System.out.println("[servers] " + reason);
            System.err.println("[servers] " + reason);
            Assumptions.abort(reason);
        }
        Path dir = Files.createTempDirectory("qstcs-nats");
        Process p = new ProcessBuilder(List.of(binary.get().toString(), "-a", "127.0.0.1", "-p", "-1", "-js",
                "-sd", dir.resolve("store").toString(), "--ports_file_dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> ports = files.filter(f -> f.getFileName().toString().endsWith(".ports")).findFirst();
                if (ports.isPresent()) {
                    Matcher m = CLIENT_PORT.matcher(Files.readString(ports.get()));
                    if (m.find()) {
                        return new NatsEngine(p, dir, URI.create("nats://127.0.0.1:" + m.group(1)));
                    }
                }
            }
            if (!p.isAlive()) {
                throw new IOException("nats-server exited: " + Files.readString(dir.resolve("server.log")));
            }
            // The server writes its ports file within milliseconds of starting: poll the file system.
            Thread.onSpinWait();
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        p.destroyForcibly();
        throw new IOException("nats-server wrote no ports file within 20 s");
    }

    URI url() {
        return url;
    }

    /**
     * Stops the server's process (SIGSTOP) without closing anything: its sockets stay open and the
     * kernel keeps taking bytes until the buffers fill, as with a server that hangs.
     */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a paused server run again (SIGCONT). */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String which) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + which + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
