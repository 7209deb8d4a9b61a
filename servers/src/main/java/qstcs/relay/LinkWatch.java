package qstcs.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * Follows the KMS link status with its long-poll ({@code GET /link_status?wait=S&version=V}: the
 * KMS answers at once when the status version differs, else on the next change) and tells the
 * {@link Switchboard}. A RED therefore reaches the relay within one HTTP round trip. While the KMS
 * is unreachable the last known status stays in force and the watch retries with backoff.
 */
final class LinkWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LinkWatch.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final URI linkStatus;
    private final HttpClient http;
    private final Switchboard switchboard;
    private final int waitSeconds;
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param kms         base URL of the KMS, e.g. {@code http://127.0.0.1:8000}
     * @param http        the client to use (the identity issue passes one that pins the KMS CA)
     * @param waitSeconds long-poll duration asked of the KMS (at most 60)
     */
    LinkWatch(URI kms, HttpClient http, Switchboard switchboard, int waitSeconds) {
        String base = kms.toString().replaceAll("/+$", "");
        this.linkStatus = URI.create(base + "/link_status");
        this.http = http;
        this.switchboard = switchboard;
        this.waitSeconds = waitSeconds;
    }

    LinkWatch start() {
        thread = Thread.ofVirtual().name("relay-link-watch").start(this::run);
        return this;
    }

    private void run() {
        long version = -1;
        int failures = 0;
        while (running) {
            try {
                LinkStatus reading = fetch(version);
                if (failures > 0) {
                    LOG.log(Level.INFO, "KMS at {0} reachable again", linkStatus);
                }
                failures = 0;
                switchboard.linkStatus(reading.status());
                if (!reading.hasVersion()) {
                    // A KMS without long-poll support: poll once a second instead of spinning.
                    Thread.sleep(1000);
                }
                version = reading.version();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                version = -1; // a KMS that comes back may be a new process that counts versions anew
                if (failures++ == 0) {
                    LOG.log(Level.WARNING, "cannot read the link status from {0} ({1}); keeping status {2}"
                            + " and retrying", linkStatus, e.getClass().getSimpleName(), switchboard.linkStatus());
                }
                try {
                    Thread.sleep(Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 6)));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private LinkStatus fetch(long version) throws IOException, InterruptedException {
        URI uri = version < 0 ? linkStatus
                : URI.create(linkStatus + "?wait=" + waitSeconds + "&version=" + version);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(waitSeconds + 10L))
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("KMS answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Reads a KMS status object; an answer that is not one is an I/O failure of the watch. */
    static LinkStatus parse(String body) throws IOException {
        try {
            return LinkStatus.parse(body);
        } catch (MalformedFrameException e) {
            throw new IOException("the KMS answer is not a link status: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
