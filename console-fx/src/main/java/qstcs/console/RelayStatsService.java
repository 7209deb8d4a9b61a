package qstcs.console;

import javafx.concurrent.ScheduledService;
import javafx.concurrent.Task;
import javafx.util.Duration;
import qstcs.client.ClientException;
import qstcs.client.RelayStats;
import qstcs.client.RelayStatsClient;

/**
 * Polls the relay's {@code /stats} every two seconds in the background. A failed poll yields its
 * reason instead of failing the service, so the tile can say why the relay is unreachable and keep trying.
 */
final class RelayStatsService extends ScheduledService<RelayStatsService.Poll> {
    /** One poll's outcome: the figures, or why there are none. */
    record Poll(RelayStats stats, String problem) {
        boolean answered() {
            return stats != null;
        }
    }

    private volatile RelayStatsClient relay;
    // null while no relay is configured: the service is then never started

    RelayStatsService(RelayStatsClient relay) {
        this.relay = relay;
        setPeriod(Duration.seconds(2));
    }

    void use(RelayStatsClient other) {
        relay = other;
        restart();
    }

    @Override
    protected Task<Poll> createTask() {
        RelayStatsClient client = relay;
        return new Task<>() {
            @Override
            protected Poll call() {
                updateTitle("Poll relay stats");
                try {
                    return new Poll(client.stats(), "");
                } catch (ClientException e) {
                    return new Poll(null, e.getMessage());
                }
            }
        };
    }
}
