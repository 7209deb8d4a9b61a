package qstcs.console;

import java.util.Optional;
import javafx.concurrent.ScheduledService;
import javafx.concurrent.Task;
import javafx.util.Duration;
import qstcs.client.ClientException;
import qstcs.client.RelayStats;
import qstcs.client.RelayStatsClient;

/**
 * Polls the relay's {@code /stats} every two seconds in the background. A failed poll yields an
 * empty value instead of failing the service, so the tile can say "unreachable" and keep trying.
 */
final class RelayStatsService extends ScheduledService<Optional<RelayStats>> {
    private volatile RelayStatsClient relay;

    RelayStatsService(RelayStatsClient relay) {
        this.relay = relay;
        setPeriod(Duration.seconds(2));
    }

    void use(RelayStatsClient other) {
        relay = other;
        restart();
    }

    @Override
    protected Task<Optional<RelayStats>> createTask() {
        RelayStatsClient client = relay;
        return new Task<>() {
            @Override
            protected Optional<RelayStats> call() {
                updateTitle("Poll relay stats");
                try {
                    return Optional.of(client.stats());
                } catch (ClientException e) {
                    return Optional.empty();
                }
            }
        };
    }
}
