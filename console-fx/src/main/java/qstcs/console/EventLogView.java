package qstcs.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import qstcs.client.AuditEntry;

/**
 * The event log as an operator reads it: readable names, local times, rounded values, severity as
 * icon and word; filters by severity, type and actor, a free-text search, "Load older" paging back
 * through {@code /admin/audit} with its {@code before} cursor, and export of what the filters
 * show to CSV or JSON.
 */
final class EventLogView extends VBox {
    static final String ALL = "All";
    private static final int PAGE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    final ComboBox<String> severity = new ComboBox<>(FXCollections.observableArrayList(ALL, "Critical", "Warning", "Info"));
    final ComboBox<String> type = new ComboBox<>();
    final TextField actor = new TextField();
    final TextField search = new TextField();
    final Button older = new Button("Load older");
    final Button exportCsv = new Button("Export CSV…");
    final Button exportJson = new Button("Export JSON…");
    final Label count = new Label();
    final TableView<AuditEntry> table = new TableView<>();
    /** Entries paged in from before the live list (older than its oldest), oldest last. */
    private final ObservableList<AuditEntry> paged = FXCollections.observableArrayList();
    private final ObservableList<AuditEntry> all = FXCollections.observableArrayList();
    private final FilteredList<AuditEntry> shown = new FilteredList<>(all);
    private final ConsoleModel model;
    private long nextBefore = -1;

    EventLogView(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("event-log-view");
        setSpacing(8);
        setPadding(new Insets(12));
        severity.setId("logSeverity");
        severity.getSelectionModel().select(ALL);
        type.setId("logType");
        type.getItems().add(ALL);
        type.getSelectionModel().select(ALL);
        actor.setId("logActor");
        actor.setPromptText("actor contains…");
        search.setId("logSearch");
        search.setPromptText("search…");
        older.setId("logOlder");
        exportCsv.setId("logExportCsv");
        exportJson.setId("logExportJson");
        count.setId("logCount");
        HBox.setHgrow(search, Priority.ALWAYS);
        HBox filters = new HBox(8, new Label("Severity"), severity, new Label("Type"), type, actor, search, older,
                exportCsv, exportJson);
        filters.setAlignment(Pos.CENTER_LEFT);

        table.setId("eventLog");
        table.setPlaceholder(new Label("No event matches the filters"));
        table.getColumns().add(column("Time", e -> AuditWording.dateTime(e.at()), 150));
        table.getColumns().add(column("Severity", e -> AuditWording.severity(e.severity()), 100));
        table.getColumns().add(column("Event", e -> AuditWording.name(e.type()), 190));
        table.getColumns().add(column("Actor", AuditEntry::actor, 200));
        TableColumn<AuditEntry, String> detail = column("Detail", e -> AuditWording.detail(e.detail()), 600);
        table.getColumns().add(detail);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setItems(shown);
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().addAll(filters, table, count);

        model.auditEntries().addListener((ListChangeListener<AuditEntry>) c -> rebuild());
        paged.addListener((ListChangeListener<AuditEntry>) c -> rebuild());
        severity.valueProperty().addListener((o, a, b) -> refilter());
        type.valueProperty().addListener((o, a, b) -> refilter());
        actor.textProperty().addListener((o, a, b) -> refilter());
        search.textProperty().addListener((o, a, b) -> refilter());
        older.setOnAction(e -> loadOlder());
        exportCsv.setOnAction(e -> chooseAndExport("CSV", "csv"));
        exportJson.setOnAction(e -> chooseAndExport("JSON", "json"));
        rebuild();
    }

    private static TableColumn<AuditEntry, String> column(String title, java.util.function.Function<AuditEntry, String> text,
                                                          double width) {
        TableColumn<AuditEntry, String> c = new TableColumn<>(title);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(text.apply(f.getValue())).getReadOnlyProperty());
        c.setPrefWidth(width);
        return c;
    }

    private void rebuild() {
        List<AuditEntry> merged = new ArrayList<>(model.auditEntries());
        long oldestLive = merged.isEmpty() ? Long.MAX_VALUE : merged.getLast().id();
        paged.stream().filter(e -> e.id() < oldestLive).forEach(merged::add);
        all.setAll(merged);
        TreeSet<String> kinds = new TreeSet<>();
        merged.forEach(e -> kinds.add(e.type()));
        String chosen = type.getValue();
        List<String> items = new ArrayList<>(List.of(ALL));
        items.addAll(kinds);
        if (!items.equals(type.getItems())) {
            type.getItems().setAll(items);
            type.getSelectionModel().select(items.contains(chosen) ? chosen : ALL);
        }
        refilter();
    }

    private void refilter() {
        String sev = severity.getValue();
        String kind = type.getValue();
        String who = actor.getText().strip().toLowerCase(Locale.ROOT);
        String text = search.getText().strip().toLowerCase(Locale.ROOT);
        shown.setPredicate(e -> (sev == null || sev.equals(ALL) || e.severity().name().equalsIgnoreCase(sev))
                && (kind == null || kind.equals(ALL) || e.type().equals(kind))
                && (who.isEmpty() || e.actor().toLowerCase(Locale.ROOT).contains(who))
                && (text.isEmpty() || (AuditWording.name(e.type()) + " " + e.type() + " " + e.actor() + " " + e.detail())
                        .toLowerCase(Locale.ROOT).contains(text)));
        count.setText(shown.size() + " of " + all.size() + " loaded events shown"
                + (nextBefore == 0 ? " · the whole log is loaded" : ""));
    }

    /** Pages back through the audit log, older than the oldest entry loaded. */
    void loadOlder() {
        long before = all.isEmpty() ? 0 : all.getLast().id();
        if (before <= 1 && !all.isEmpty()) {
            nextBefore = 0;
            refilter();
            return;
        }
        older.setDisable(true);
        model.board().run("Read older audit entries", c -> c.auditPage(PAGE, before), page -> {
            older.setDisable(false);
            paged.addAll(page.entries());
            nextBefore = page.nextBefore();
            older.setDisable(nextBefore == 0);
            refilter();
        }, problem -> {
            older.setDisable(false);
            model.notice.set(OperatorNotice.failure("Audit log unavailable", problem));
        });
    }

    private void chooseAndExport(String what, String ext) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the shown events as " + what);
        chooser.setInitialFileName("qstcs-events." + ext);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(what, "*." + ext));
        java.io.File file = chooser.showSaveDialog(getScene().getWindow());
        if (file == null) {
            return;
        }
        try {
            if (ext.equals("csv")) {
                exportCsv(file.toPath());
            } else {
                exportJson(file.toPath());
            }
            model.notice.set(OperatorNotice.info("Events exported", shown.size() + " events written to " + file));
        } catch (IOException e) {
            model.notice.set(OperatorNotice.failure("Export failed", "cannot write " + file + ": " + e.getMessage()));
        }
    }

    /** The shown rows as CSV (RFC 4180 quoting), times in UTC ISO-8601 so the file sorts and parses anywhere. */
    void exportCsv(Path file) throws IOException {
        StringBuilder out = new StringBuilder("id,time_utc,severity,event,kind,actor,detail\r\n");
        for (AuditEntry e : shown) {
            out.append(e.id()).append(',').append(e.at()).append(',').append(e.severity().name().toLowerCase(Locale.ROOT))
                    .append(',').append(csv(AuditWording.name(e.type()))).append(',').append(csv(e.type()))
                    .append(',').append(csv(e.actor())).append(',').append(csv(e.detail())).append("\r\n");
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    /** The shown rows as a JSON array, with the raw detail (unrounded) and the readable name. */
    void exportJson(Path file) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (AuditEntry e : shown) {
            ObjectNode o = array.addObject();
            o.put("id", e.id());
            o.put("at", e.at().toString());
            o.put("severity", e.severity().name().toLowerCase(Locale.ROOT));
            o.put("event", AuditWording.name(e.type()));
            o.put("kind", e.type());
            o.put("actor", e.actor());
            o.put("detail", e.detail());
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), array);
    }

    private static String csv(String s) {
        // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix it so it stays text.
        String safe = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
}
