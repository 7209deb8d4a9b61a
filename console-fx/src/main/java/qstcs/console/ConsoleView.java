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

    public ConsoleView(ConsoleModel model, Node visualiser) {
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
        HBox header = new HBox(16, titles, spacer, streamBadge, settings);
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
        tabs.getTabs().addAll(linkTab, visualiserTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);

        setTop(new VBox(header, offlineBanner, keyZoneBanner));
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
