package qstcs.bench.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process's output, read on a daemon thread for as long as the process writes, kept for
 * error messages, with the port its start-up banner names.
 */
final class ChildOutput {

    private final StringBuffer text = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;

    /**
     * @param banner a pattern whose group 1 is the port, matched against each line
     * @param who what the process is, for the message when it exits before its banner
     */
    ChildOutput(Process process, Pattern banner, String who) {
        reader = Thread.ofPlatform().daemon().name(who.replace(' ', '-') + "-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    text.append(line).append('\n');
                    Matcher m = banner.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException(who + " exited:\n" + text));
        });
    }

    /** The port from the banner, once it is printed (at most {@code wait}). */
    int port(Duration wait) throws Exception {
        return port.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits up to {@code wait} for the process's output to end. */
    void awaitEnd(Duration wait) throws InterruptedException {
        reader.join(wait);
    }

    /** What the process printed so far. */
    String text() {
        return text.toString();
    }
}
