package qstcs.kms;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.crypto.qkd.RoundConfig;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkLoopTest {

    /**
     * A forced attack turns the link RED while a background round (here: the round lock, held
     * by the test as a long round would hold it) is still running, instead of queueing behind it.
     */
    @Test
    void aForcedAttackDoesNotWaitForTheRoundRunningNow() throws Exception {
        LinkState link = new LinkState(new LinkState.Limits(256 * 8, 100, Duration.ofMinutes(10)),
                InstantSource.system(), LinkListener.all());
        LinkLoop loop = new LinkLoop(RoundConfig.defaults().withQubits(4096), Duration.ofHours(1), link,
                QkdRandom.seeded(17));
        CompletableFuture<Void> roundHeld = new CompletableFuture<>();
        CompletableFuture<Void> roundMayEnd = new CompletableFuture<>();
        Thread longRound = Thread.ofPlatform().start(() -> {
            loop.roundLock().lock();
            try {
                roundHeld.complete(null);
                roundMayEnd.join();
            } finally {
                loop.roundLock().unlock();
            }
        });
        try {
            roundHeld.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
            LinkStatus after = CompletableFuture.supplyAsync(() -> loop.forceAttack(new OperatorAction("operator@test", "")))
                    .get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
            assertEquals(LinkColour.RED, after.status());
            assertTrue(loop.roundLock().isLocked(), "the long round was still running");
        } finally {
            roundMayEnd.complete(null);
            longRound.join();
            loop.close();
        }
    }
}
