package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * Keeps one Server-Sent-Events subscription to the KMS {@code /events} open and re-opens it after
 * any loss with a capped backoff. Callbacks arrive on OkHttp or scheduler threads; the {@link Sink}
 * decides how to hand them over (the console hops to the FX thread). A stream that stays silent
 * longer than {@link #SILENCE_LIMIT} counts as lost: the KMS sends a round event every half second,
 * so silence means a dead connection that TCP has not noticed yet.
 */
public final class KmsEventStream implements AutoCloseable {
    public static final Duration SILENCE_LIMIT = Duration.ofSeconds(10);
    private static final long FIRST_RETRY_MS = 250;
    private static final long MAX_RETRY_MS = 2_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Receives the stream's life cycle and events (on a background thread). */
    public interface Sink {
        void connected();

        /** An event as the KMS wrote it: {@code data} is its JSON text, for the sink to read. */
        void event(String type, String data);

        /** The stream is down; {@code reason} is a short phrase for the operator. */
        void disconnected(String reason);
    }

    private final KmsOperatorClient kms;
    private final EventSource.Factory factory;
    private final Sink sink;
    private final ScheduledExecutorService retries;
    private long retryMs = FIRST_RETRY_MS;
    private EventSource current;
    private boolean closed;

    public KmsEventStream(OkHttpClient http, KmsOperatorClient kms, Sink sink) {
        this.kms = kms;
        this.factory = EventSources.createFactory(http.newBuilder().readTimeout(SILENCE_LIMIT)
                .retryOnConnectionFailure(false).build());
        this.sink = sink;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kms-events-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the stream; it re-opens by itself after any loss until {@link #close()}. */
    public synchronized void start() {
        if (!closed && current == null) {
            current = factory.newEventSource(kms.eventsRequest(), new Listener());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            current.cancel();
            current = null;
        }
        retries.shutdownNow();
    }

    private synchronized void lost(EventSource source, String reason) {
        if (closed || source != current) {
            return;
        }
        source.cancel();
        current = null;
        sink.disconnected(reason);
        long delay = retryMs;
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        retries.schedule(this::start, delay, TimeUnit.MILLISECONDS);
    }

    private synchronized boolean isCurrent(EventSource source) {
        return !closed && source == current;
    }

    /** The KMS's own explanation of a refusal (its JSON {@code detail}), e.g. which TLS port to use. */
    private static String kmsSays(Response response) {
        try {
            JsonNode json = MAPPER.readTree(response.peekBody(4096).string());
            String detail = json.path("detail").asText(json.path("error").asText(""));
            return detail.isEmpty() ? "" : ": " + detail;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private final class Listener extends EventSourceListener {
        @Override
        public void onOpen(EventSource source, Response response) {
            if (isCurrent(source)) {
                synchronized (KmsEventStream.this) {
                    retryMs = FIRST_RETRY_MS;
                }
                sink.connected();
            }
        }

        @Override
        public void onEvent(EventSource source, String id, String type, String data) {
            if (!isCurrent(source)) {
                return;
            }
            sink.event(type == null ? "message" : type, data);
        }

        @Override
        public void onClosed(EventSource source) {
            lost(source, "the KMS closed the event stream");
        }

        @Override
        public void onFailure(EventSource source, Throwable error, Response response) {
            String reason;
            if (response != null && !response.isSuccessful()) {
                reason = "the KMS refused the event stream (HTTP " + response.code() + kmsSays(response) + ")";
            } else if (error instanceof javax.net.ssl.SSLException ssl) {
                reason = "the KMS at " + kms.base() + " is not trusted: " + KmsOperatorClient.tlsProblem(ssl);
            } else if (error instanceof java.net.SocketTimeoutException) {
                reason = "no events from the KMS for " + SILENCE_LIMIT.toSeconds() + " s";
            } else {
                reason = "the KMS at " + kms.base() + " cannot be reached";
            }
            lost(source, reason);
        }
    }
}
