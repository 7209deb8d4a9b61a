package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The alarm list loaded on connect races the event stream: an answer read before an alarm was
 * raised (or acknowledged) may arrive after the event. Neither may be lost.
 */
class AlarmBoardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AlarmBoard.Alarm alarm(long id, boolean acknowledged) {
        Instant at = Instant.parse("2026-12-04T10:00:00Z").plusSeconds(id);
        return new AlarmBoard.Alarm(id, at, "breach", 0.25, "QBER 25 %",
                acknowledged ? Optional.of("operator") : Optional.empty(),
                acknowledged ? Optional.of(at.plusSeconds(30)) : Optional.empty());
    }

    private static JsonNode answer(AlarmBoard.Alarm... alarms) throws Exception {
        StringBuilder b = new StringBuilder("{\"alarms\":[");
        for (int i = 0; i < alarms.length; i++) {
            AlarmBoard.Alarm a = alarms[i];
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(a.id()).append(",\"raised_at\":\"").append(a.raisedAt())
                    .append("\",\"kind\":\"breach\",\"qber\":0.25,\"detail\":\"QBER 25 %\",\"acknowledged_by\":")
                    .append(a.acknowledged() ? "\"operator\"" : "null").append(",\"acknowledged_at\":")
                    .append(a.acknowledgedAt().map(t -> "\"" + t + "\"").orElse("null")).append('}');
        }
        return JSON.readTree(b.append("]}").toString());
    }

    @Test
    void anAlarmStreamedWhileTheListWasLoadingStaysOnTop() throws Exception {
        AlarmBoard board = new AlarmBoard();
        assertTrue(board.update(alarm(3, false)), "a new alarm");
        board.loaded(answer(alarm(2, true), alarm(1, true))); // read before alarm 3 was raised
        assertEquals(3, board.alarms().size());
        assertEquals(3, board.alarms().getFirst().id());
        assertEquals(1, board.unacknowledged().get());
    }

    @Test
    void anEmptyAnswerReadBeforeTheFirstAlarmDoesNotHideIt() throws Exception {
        AlarmBoard board = new AlarmBoard();
        board.update(alarm(1, false));
        board.loaded(answer());
        assertEquals(1, board.unacknowledged().get());
    }

    @Test
    void anAcknowledgementIsNotUndoneByAnOlderAnswer() throws Exception {
        AlarmBoard board = new AlarmBoard();
        board.loaded(answer(alarm(1, false)));
        board.update(alarm(1, true));
        board.loaded(answer(alarm(1, false))); // read before the acknowledgement
        assertEquals(0, board.unacknowledged().get());
        assertEquals(1, board.alarms().size());
    }

    @Test
    void theAnswerIsTheTruthForWhatItLists() throws Exception {
        AlarmBoard board = new AlarmBoard();
        board.update(alarm(1, false));
        board.loaded(answer(alarm(2, false), alarm(1, true))); // acknowledged elsewhere meanwhile
        assertEquals(2, board.alarms().size());
        assertEquals(1, board.unacknowledged().get());
        assertEquals(2, board.alarms().getFirst().id());
    }
}
