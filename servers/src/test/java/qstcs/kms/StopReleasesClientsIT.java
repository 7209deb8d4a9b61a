package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

/**
 * A stopping KMS answers its clients before its listeners close: a parked {@code /link_status}
 * long-poll gets the current status and an {@code /events} stream ends cleanly, instead of both
 * being cut when the listeners give up waiting for them (which made every stop wait out the
 * listeners' grace periods, and the demo's end with it).
 */
class StopReleasesClientsIT {

    @Test
    void aParkedLongPollIsAnsweredAndAnEventStreamEndsCleanly() throws Exception {
        KmsTestServer kms = new KmsTestServer(KmsTestServer.tempHome());
        long version = kms.get("/link_status").json().get("version").asLong();
        CompletableFuture<KmsTestServer.Reply> polled = CompletableFuture.supplyAsync(
                () -> kms.get("/link_status?wait=60&version=" + version));
        CompletableFuture<Throwable> streamEnd = new CompletableFuture<>();
        EventSource stream = EventSources.createFactory(kms.https).newEventSource(
                kms.asLegitimateCaller("GET", "/events", null, null).build(), new EventSourceListener() {
                    @Override
                    public void onClosed(EventSource es) {
                        streamEnd.complete(null);
                    }

                    @Override
                    public void onFailure(EventSource es, Throwable t, Response response) {
                        streamEnd.complete(t == null ? new IllegalStateException("HTTP " + response.code()) : t);
                    }
                });
        Await.until("the long-poll is parked and the stream open",
                () -> kms.kms.link().parkedPolls() > 0 && kms.kms.events().subscriberCount() > 0);
        try {
            kms.close();
            KmsTestServer.Reply answer = polled.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, answer.code(), answer.body());
            JsonNode status = answer.json();
            assertEquals(version, status.get("version").asLong(), "the unchanged status, answered at once: " + status);
            assertNull(streamEnd.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS), "the stream ends, it is not cut");
        } finally {
            stream.cancel();
        }
    }
}
