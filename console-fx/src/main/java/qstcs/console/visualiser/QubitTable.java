package qstcs.console.visualiser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.css.PseudoClass;
import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import qstcs.crypto.qkd.QubitTrace;
import qstcs.crypto.qkd.RoundTrace;

/**
 * A row per qubit, revealing columns as the round advances: Alice's bit and basis, Eve's basis
 * (only with Eve on), Bob's basis and result, sift ✓/✗, sample marks, Cascade corrections and the
 * reconciled key bit. Errors are red, corrections highlighted, dropped rows dimmed (pseudo-classes).
 */
final class QubitTable extends GridPane {
    static final String HIDDEN = "·";
    private static final PseudoClass DROPPED = PseudoClass.getPseudoClass("dropped");
    private static final PseudoClass DISCARDED = PseudoClass.getPseudoClass("discarded");
    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    private static final PseudoClass CORRECTED = PseudoClass.getPseudoClass("corrected");
    private static final PseudoClass SAMPLED = PseudoClass.getPseudoClass("sampled");
    private static final PseudoClass MATCH = PseudoClass.getPseudoClass("match");

    enum Column {
        INDEX("#", 34), ALICE_BIT("Alice bit", 62), ALICE_BASIS("Alice basis", 74), EVE_BASIS("Eve basis", 70),
        BOB_BASIS("Bob basis", 70), BOB_BIT("Bob bit", 58), SIFT("Sift", 44), SAMPLE("Sample", 56),
        CASCADE("Cascade", 70), KEY("Key bit", 56);

        final String title;
        final double width;

        Column(String title, double width) {
            this.title = title;
            this.width = width;
        }
    }

    private final List<Label[]> rows = new ArrayList<>();
    private final Label[] headers = new Label[Column.values().length];

    QubitTable() {
        getStyleClass().add("qubit-table");
        setHgap(2);
        setVgap(1);
        for (Column c : Column.values()) {
            ColumnConstraints cc = new ColumnConstraints(c.width, c.width, Double.MAX_VALUE);
            cc.setHgrow(Priority.ALWAYS);
            cc.setHalignment(HPos.CENTER);
            getColumnConstraints().add(cc);
            Label header = new Label(c.title);
            header.getStyleClass().add("qubit-header");
            headers[c.ordinal()] = header;
            add(header, c.ordinal(), 0);
        }
    }

    void show(RoundTrace trace, Bb84Stage stage, boolean eveOn) {
        if (rows.size() != trace.qubits().size()) {
            rebuild(trace.qubits().size());
        }
        setColumnVisible(Column.EVE_BASIS, eveOn);
        Map<Integer, Integer> keyBitAt = keyBits(trace);
        for (QubitTrace q : trace.qubits()) {
            fill(rows.get(q.index()), q, stage, keyBitAt.get(q.index()));
        }
    }

    /** Label of one cell, for tests: row {@code qubit}, column {@code column}. */
    Label cell(int qubit, Column column) {
        return rows.get(qubit)[column.ordinal()];
    }

    private void rebuild(int qubits) {
        getChildren().removeIf(n -> GridPane.getRowIndex(n) != null && GridPane.getRowIndex(n) > 0);
        rows.clear();
        for (int i = 0; i < qubits; i++) {
            Label[] row = new Label[Column.values().length];
            for (Column c : Column.values()) {
                Label cell = new Label();
                cell.getStyleClass().addAll("qubit-cell", "col-" + c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                cell.setMaxWidth(Double.MAX_VALUE);
                row[c.ordinal()] = cell;
                add(cell, c.ordinal(), i + 1);
            }
            rows.add(row);
        }
    }

    private void setColumnVisible(Column column, boolean visible) {
        ColumnConstraints cc = getColumnConstraints().get(column.ordinal());
        cc.setMinWidth(visible ? column.width : 0);
        cc.setPrefWidth(visible ? column.width : 0);
        cc.setMaxWidth(visible ? Double.MAX_VALUE : 0);
        cc.setHgrow(visible ? Priority.ALWAYS : Priority.NEVER);
        headers[column.ordinal()].setVisible(visible);
        rows.forEach(r -> r[column.ordinal()].setVisible(visible));
    }

    private static Map<Integer, Integer> keyBits(RoundTrace trace) {
        List<Integer> positions = trace.keyPositions();
        List<Integer> bits = trace.reconciledKey();
        if (bits.size() != positions.size()) {
            return Map.of();
        }
        return java.util.stream.IntStream.range(0, positions.size()).boxed()
                .collect(Collectors.toMap(positions::get, bits::get));
    }

    private static void fill(Label[] row, QubitTrace q, Bb84Stage stage, Integer keyBit) {
        boolean sifting = Bb84Stage.SIFTING.reachedAt(stage);
        boolean sampling = Bb84Stage.SAMPLING.reachedAt(stage);
        boolean cascade = Bb84Stage.CASCADE.reachedAt(stage);
        boolean error = q.sifted() && q.differs();
        Function<Bb84Stage, Boolean> at = s -> s.reachedAt(stage);

        set(row, Column.INDEX, Integer.toString(q.index()));
        set(row, Column.ALICE_BIT, at.apply(Bb84Stage.ALICE) ? Integer.toString(q.aliceBit()) : HIDDEN);
        set(row, Column.ALICE_BASIS, at.apply(Bb84Stage.ALICE) ? String.valueOf(q.aliceBasis().symbol()) : HIDDEN);
        set(row, Column.EVE_BASIS, !at.apply(Bb84Stage.EVE) ? HIDDEN
                : q.eveBasis().map(b -> String.valueOf(b.symbol())).orElse("–"));
        set(row, Column.BOB_BASIS, at.apply(Bb84Stage.BOB) ? String.valueOf(q.bobBasis().symbol()) : HIDDEN);
        boolean fixed = cascade && q.corrected();
        int bobShown = fixed ? 1 - q.bobResult() : q.bobResult();
        set(row, Column.BOB_BIT, at.apply(Bb84Stage.BOB) ? Integer.toString(bobShown) : HIDDEN);
        set(row, Column.SIFT, sifting ? (q.sifted() ? "✓" : "✗") : HIDDEN);
        set(row, Column.SAMPLE, sampling && q.sampled() ? "S" : sampling ? "" : HIDDEN);
        set(row, Column.CASCADE, fixed ? "flipped" : cascade ? "" : HIDDEN);
        set(row, Column.KEY, cascade && keyBit != null ? Integer.toString(keyBit) : cascade ? "" : HIDDEN);

        for (Label cell : row) {
            cell.pseudoClassStateChanged(DROPPED, sifting && !q.sifted());
            cell.pseudoClassStateChanged(DISCARDED, cascade && q.sampled());
        }
        row[Column.SIFT.ordinal()].pseudoClassStateChanged(MATCH, sifting && q.sifted());
        row[Column.BOB_BIT.ordinal()].pseudoClassStateChanged(ERROR, sampling && error && !fixed);
        row[Column.BOB_BIT.ordinal()].pseudoClassStateChanged(CORRECTED, fixed);
        row[Column.CASCADE.ordinal()].pseudoClassStateChanged(CORRECTED, fixed);
        row[Column.SAMPLE.ordinal()].pseudoClassStateChanged(SAMPLED, sampling && q.sampled());
        row[Column.SAMPLE.ordinal()].pseudoClassStateChanged(ERROR, sampling && q.sampled() && error);
    }

    private static void set(Label[] row, Column column, String text) {
        row[column.ordinal()].setText(text);
    }
}
