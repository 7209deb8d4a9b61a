package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.concurrent.Task;
import qstcs.client.ClientException;
import qstcs.client.KmsOperatorClient;
import qstcs.crypto.link.LinkStatus;

/**
 * The operator's buttons: Force Attack, Reset, the eavesdropper switch and enrollment codes. Each
 * runs once at a time in a named background task, shows its "running" flag while it does, and
 * ends with a status read (shown by the feed) or a notice saying what failed. FX thread only.
 */
final class OperatorCommands {
    private final KmsFeed feed;
    private final Executor background;
    private final ConsoleProperties shown;
    private double[] pendingEve;

    OperatorCommands(KmsFeed feed, Executor background, ConsoleProperties shown) {
        this.feed = feed;
        this.background = background;
        this.shown = shown;
    }

    void forceAttack(String reason) {
        run("Force Attack", shown.forceAttackRunning, client -> {
            client.forceAttack(reason);
            return client.linkStatus();
        }, status -> shown.notice.set(OperatorNotice.info("Attack forced",
                String.format("Full intercept–resend round: QBER %.1f %%, link %s.", status.qber() * 100,
                        LinkState.of(status.status())))));
    }

    void reset(String reason) {
        run("Reset System", shown.resetRunning, client -> {
            client.reset(reason);
            return client.linkStatus();
        }, status -> shown.notice.set(OperatorNotice.info("System reset", "Keys and counters cleared, eavesdropper off.")));
    }

    /**
     * Switches the persistent eavesdropper at the KMS. While a request runs, the newest wish is
     * kept and sent afterwards, so a quick flick of the slider ends at the value the operator left.
     */
    void applyEve(boolean active, double interceptRate) {
        if (shown.eveRunning.get()) {
            pendingEve = new double[] {active ? 1 : 0, interceptRate};
            return;
        }
        run(active ? "Eve on" : "Eve off", shown.eveRunning, client -> {
            client.setEve(active, interceptRate);
            return client.linkStatus();
        }, status -> {
            double[] next = pendingEve;
            pendingEve = null;
            if (next != null) {
                applyEve(next[0] == 1, next[1]);
            }
        });
    }

    /** Asks for an enrollment string; exactly one of the callbacks runs, on the FX thread. */
    void createEnrollment(String deviceId, Consumer<JsonNode> done, Consumer<String> failed) {
        KmsOperatorClient client = feed.kms();
        Task<JsonNode> task = new Task<>() {
            @Override
            protected JsonNode call() throws ClientException {
                return client.createEnrollment(deviceId);
            }
        };
        task.setOnSucceeded(e -> done.accept(task.getValue()));
        task.setOnFailed(e -> failed.accept(describe(task.getException())));
        background.execute(task);
    }

    @FunctionalInterface
    private interface KmsWork {
        LinkStatus run(KmsOperatorClient client) throws ClientException;
    }

    private void run(String title, ReadOnlyBooleanWrapper running, KmsWork work, Consumer<LinkStatus> after) {
        if (running.get()) {
            return;
        }
        KmsOperatorClient client = feed.kms();
        Task<LinkStatus> task = new Task<>() {
            @Override
            protected LinkStatus call() throws ClientException {
                updateTitle(title);
                return work.run(client);
            }
        };
        running.set(true);
        task.setOnSucceeded(e -> {
            feed.commandRead(client, task.getValue());
            running.set(false);
            after.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            running.set(false);
            shown.notice.set(OperatorNotice.failure(title + " failed", describe(task.getException())));
        });
        background.execute(task);
    }

    /** A failure in operator words: our own messages as they are, anything else by its kind only. */
    static String describe(Throwable error) {
        if (error instanceof ClientException || error instanceof IllegalArgumentException) {
            return error.getMessage();
        }
        return "Unexpected " + error.getClass().getSimpleName() + "; see the console log.";
    }
}
