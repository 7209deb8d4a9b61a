package qstcs.console;

import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

/**
 * The console window's content: a header (title, live/offline badge, the "simulated quantum link"
 * caption, server settings), an OFFLINE banner, and the tabs. Operator notices from the model are
 * shown as ControlsFX notifications.
 */
public final class ConsoleView extends BorderPane {
    static final String STYLESHEET = Theme.STYLESHEET;
    private static final PseudoClass LIVE = PseudoClass.getPseudoClass("live");
    private static final PseudoClass OFFLINE = PseudoClass.getPseudoClass("offline");

    final DashboardView dashboard;
    final ControlsPane controls;
    final Label streamBadge = new Label();
    final Label offlineBanner = new Label();
    /** Says in words why the link yields no key although it runs (the no-key zone). */
    final Label keyZoneBanner = new Label();
    final TabPane tabs = new TabPane();
    final AlarmListView alarms;
    final TrendsView trends;
    final EventLogView eventLog;
    final DeviceScreen devices;
    /** Red strip while any alarm waits for an acknowledgement; a click opens the alarm list. */
    final Button alarmBanner = new Button();

    /** Whether a new alarm is heard, and what plays it. */
    final AlarmBell bell;
    /** The window whose title and attention follow the alarms. */
    private javafx.stage.Stage attentionOn;

    public ConsoleView(ConsoleModel model, Node visualiser) {
        this(model, visualiser, new AlarmTone());
    }

    ConsoleView(ConsoleModel model, Node visualiser, AlarmSound sound) {
        bell = new AlarmBell(sound);
        Theme.loadFonts();
        getStylesheets().add(STYLESHEET);
        getStyleClass().add("console");

        controls = new ControlsPane(model);
        dashboard = new DashboardView(model, controls, new EventTimeline(model));

        Label title = new Label("QSTCS · SOC CONSOLE");
        title.getStyleClass().add("app-title");
        Label caption = new Label("Simulated quantum link — BB84 is a classical simulation; AES-GCM, HKDF, ML-KEM are real");
        caption.setId("simulatedCaption");
        caption.getStyleClass().add("caption");
        caption.setMinWidth(Region.USE_PREF_SIZE);
        VBox titles = new VBox(0, title, caption);
        streamBadge.setId("streamBadge");
        streamBadge.getStyleClass().add("stream-badge");
        streamBadge.setMinWidth(Region.USE_PREF_SIZE);
        Button settings = new Button("Servers…");
        settings.setId("serverSettings");
        settings.setMinWidth(Region.USE_PREF_SIZE);
        settings.setOnAction(e -> new ServerSettingsDialog(model, getScene().getWindow()).showAndApply());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        alarms = new AlarmListView(model);
        alarms.sound.selectedProperty().bindBidirectional(bell.soundOnProperty());
        trends = new TrendsView(model);
        eventLog = new EventLogView(model);
        devices = new DeviceScreen(model);
        javafx.scene.control.MenuButton menu = new javafx.scene.control.MenuButton("Menu");
        menu.setId("consoleMenu");
        menu.setMinWidth(Region.USE_PREF_SIZE);
        HBox header = new HBox(16, titles, spacer, streamBadge, menu, settings);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("header");

        offlineBanner.setId("offlineBanner");
        offlineBanner.getStyleClass().add("offline-banner");
        offlineBanner.setMaxWidth(Double.MAX_VALUE);
        offlineBanner.textProperty().bind(Bindings.concat("✕ KMS OFFLINE — ", model.offlineReasonProperty(),
                ". Reconnecting by itself; greyed values show when they last arrived, \"—\" was never received."));
        offlineBanner.managedProperty().bind(offlineBanner.visibleProperty());
        offlineBanner.visibleProperty().bind(model.streamProperty().isEqualTo(ConsoleModel.StreamState.OFFLINE));

        keyZoneBanner.setId("keyZoneBanner");
        keyZoneBanner.getStyleClass().add("key-zone-banner");
        keyZoneBanner.setMaxWidth(Double.MAX_VALUE);
        keyZoneBanner.setWrapText(true);
        keyZoneBanner.managedProperty().bind(keyZoneBanner.visibleProperty());
        keyZoneBanner.textProperty().bind(Bindings.createStringBinding(() -> LinkNotice.noKey(model.lampProperty().get(),
                        model.lastRoundQberProperty().get(), model.lastRoundKeyBitsProperty().get(),
                        model.lastRoundReasonProperty().get()).map(t -> "▲ " + t).orElse(""),
                model.lampProperty(), model.lastRoundQberProperty(), model.lastRoundKeyBitsProperty(), model.lastRoundReasonProperty()));
        keyZoneBanner.visibleProperty().bind(keyZoneBanner.textProperty().isNotEmpty());

        Tab linkTab = new Tab("Link", dashboard);
        linkTab.setId("linkTab");
        Tab visualiserTab = new Tab("BB84 visualiser", visualiser);
        visualiserTab.setId("visualiserTab");
        Tab trendsTab = new Tab("Trends", trends);
        trendsTab.setId("trendsTab");
        Tab alarmsTab = new Tab("Alarms", alarms);
        alarmsTab.setId("alarmsTab");
        alarmsTab.textProperty().bind(Bindings.createStringBinding(() -> {
            int open = model.alarms.unacknowledged().get();
            return open == 0 ? "Alarms" : "⚠ Alarms (" + open + ")";
        }, model.alarms.unacknowledged()));
        Tab logTab = new Tab("Event log", eventLog);
        logTab.setId("eventLogTab");
        Tab devicesTab = new Tab("Devices", devices);
        devicesTab.setId("devicesTab");
        devicesTab.setOnSelectionChanged(e -> {
            if (devicesTab.isSelected()) {
                devices.reload();
            }
        });
        tabs.getTabs().addAll(linkTab, trendsTab, alarmsTab, logTab, devicesTab, visualiserTab);
        menu.getItems().addAll(
                menuItem("Enroll a device…", "menuEnroll", ControlsPane.ENROLL_SHORTCUT, devices::openEnrollment),
                menuItem("Devices and SAE certificates", "menuDevices", null, () -> tabs.getSelectionModel().select(devicesTab)),
                menuItem("Alarms", "menuAlarms", null, () -> tabs.getSelectionModel().select(alarmsTab)),
                menuItem("Event log", "menuEventLog", null, () -> tabs.getSelectionModel().select(logTab)),
                menuItem("Trends", "menuTrends", null, () -> tabs.getSelectionModel().select(trendsTab)),
                new javafx.scene.control.SeparatorMenuItem(),
                alarmSoundItem());

        alarmBanner.setId("alarmBanner");
        alarmBanner.getStyleClass().add("alarm-banner");
        alarmBanner.setMaxWidth(Double.MAX_VALUE);
        alarmBanner.managedProperty().bind(alarmBanner.visibleProperty());
        alarmBanner.visibleProperty().bind(model.alarms.unacknowledged().greaterThan(0));
        alarmBanner.textProperty().bind(Bindings.createStringBinding(() -> {
            int open = model.alarms.unacknowledged().get();
            return "⚠ ALARM — " + open + " breach alarm" + (open == 1 ? "" : "s")
                    + " not yet acknowledged. Open the alarm list to acknowledge.";
        }, model.alarms.unacknowledged()));
        alarmBanner.setOnAction(e -> tabs.getSelectionModel().select(alarmsTab));
        // The stage this view ends up in, whenever it gets there: docked in a split pane the view
        // joins the scene only when the pane's skin is made, after the scene is already in its stage.
        sceneProperty().flatMap(javafx.scene.Scene::windowProperty).subscribe(window -> {
            if (window instanceof javafx.stage.Stage stage && stage != attentionOn) {
                attentionOn = stage;
                AlarmAttention.watch(stage, model, bell);
            }
        });
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);

        setTop(new VBox(header, alarmBanner, offlineBanner, keyZoneBanner));
        setCenter(tabs);

        model.streamProperty().addListener((obs, old, s) -> showStream(model));
        model.kmsUrlProperty().addListener((obs, old, url) -> showStream(model));
        showStream(model);
        model.noticeProperty().addListener((obs, old, notice) -> {
            if (notice != null) {
                notify(notice);
            }
        });
    }

    private javafx.scene.control.CheckMenuItem alarmSoundItem() {
        javafx.scene.control.CheckMenuItem item = new javafx.scene.control.CheckMenuItem("Sound on new alarm");
        item.setId("menuAlarmSound");
        item.selectedProperty().bindBidirectional(bell.soundOnProperty());
        return item;
    }

    private static javafx.scene.control.MenuItem menuItem(String text, String id,
                                                          javafx.scene.input.KeyCombination keys, Runnable action) {
        javafx.scene.control.MenuItem item = new javafx.scene.control.MenuItem(text);
        item.setId(id);
        if (keys != null) {
            // Shown as a hint; the scene's accelerator (ControlsPane) does the work, so it fires once.
            item.setAccelerator(null);
            item.setText(text + "    " + keys.getDisplayText());
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    private void showStream(ConsoleModel model) {
        ConsoleModel.StreamState s = model.streamProperty().get();
        streamBadge.setText(switch (s) {
            case LIVE -> "● LIVE  " + model.kmsUrlProperty().get();
            case CONNECTING -> "◌ CONNECTING  " + model.kmsUrlProperty().get();
            case OFFLINE -> "✕ OFFLINE  " + model.kmsUrlProperty().get();
        });
        streamBadge.pseudoClassStateChanged(LIVE, s == ConsoleModel.StreamState.LIVE);
        streamBadge.pseudoClassStateChanged(OFFLINE, s == ConsoleModel.StreamState.OFFLINE);
    }

    private void notify(OperatorNotice notice) {
        if (getScene() == null || getScene().getWindow() == null) {
            return;
        }
        Notifications n = Notifications.create()
                .owner(getScene().getWindow())
                .title(notice.title())
                .text(notice.text())
                .position(Pos.BOTTOM_RIGHT)
                .hideAfter(Duration.seconds(notice.kind() == OperatorNotice.Kind.FAILURE ? 8 : 4))
                .darkStyle();
        if (notice.kind() == OperatorNotice.Kind.FAILURE) {
            n.showError();
        } else {
            n.showInformation();
        }
    }
}
