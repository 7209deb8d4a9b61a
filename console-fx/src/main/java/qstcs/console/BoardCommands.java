package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.concurrent.Task;
import qstcs.client.ClientException;
import qstcs.client.KmsOperatorClient;

/**
 * The operator's management calls (alarms, devices, SAE certificates, older audit pages), each in
 * a named background task whose outcome comes back on the FX thread: exactly one of the two
 * callbacks runs. FX thread only.
 */
public final class BoardCommands {
    /** One call against the KMS the console follows now. */
    @FunctionalInterface
    interface KmsCall<T> {
        T run(KmsOperatorClient client) throws ClientException;
    }

    private final KmsFeed feed;
    private final Executor background;

    BoardCommands(KmsFeed feed, Executor background) {
        this.feed = feed;
        this.background = background;
    }

    <T> void run(String title, KmsCall<T> call, Consumer<T> done, Consumer<String> failed) {
        KmsOperatorClient client = feed.kms();
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws ClientException {
                updateTitle(title);
                return call.run(client);
            }
        };
        task.setOnSucceeded(e -> done.accept(task.getValue()));
        task.setOnFailed(e -> failed.accept(OperatorCommands.describe(task.getException())));
        background.execute(task);
    }

    /** Acknowledges an alarm; the KMS's {@code alarm} event updates the list, and so does the answer. */
    void acknowledge(long id, String note, AlarmBoard board, Consumer<String> failed) {
        run("Acknowledge alarm", c -> c.acknowledgeAlarm(id, note),
                (JsonNode a) -> board.update(AlarmBoard.Alarm.fromJson(a)), failed);
    }
}
