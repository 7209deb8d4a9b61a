package qstcs.chat;

import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import qstcs.client.ConnectionState;

/**
 * The messenger layout: contacts on the left, the conversation with its header, breach banner and
 * composer on the right, the link status bar at the bottom. A breach sets the {@code :compromised}
 * pseudo-class on the root; the stylesheet turns it red, the banner appears.
 */
final class ChatView extends BorderPane {
    private static final PseudoClass COMPROMISED = PseudoClass.getPseudoClass("compromised");
    private static final PseudoClass ONLINE = PseudoClass.getPseudoClass("online");

    final TextField composer = new TextField();
    final Button send = new Button("Send");
    final ListView<MessageItem> messages = new ListView<>();
    final ListView<Contact> contacts = new ListView<>();

    /** Below this width (a chat docked beside the console) the contact list gives way to the conversation. */
    static final double SIDEBAR_MIN_VIEW_WIDTH = 620;

    ChatView(ChatModel model) {
        getStyleClass().add("chat");
        VBox sidebar = sidebar(model);
        setLeft(sidebar);
        sidebar.managedProperty().bind(widthProperty().greaterThanOrEqualTo(SIDEBAR_MIN_VIEW_WIDTH));
        sidebar.visibleProperty().bind(sidebar.managedProperty());
        setCenter(conversation(model));
        setBottom(new StatusBar(model));
        model.compromisedProperty().addListener((o, was, now) -> pseudoClassStateChanged(COMPROMISED, now));
    }

    private VBox sidebar(ChatModel model) {
        Avatar me = new Avatar("?");
        model.deviceIdProperty().addListener((o, was, now) -> me.show(now));
        Label name = new Label();
        name.setId("me");
        name.getStyleClass().add("me-name");
        name.textProperty().bind(model.deviceIdProperty());
        Label state = new Label();
        state.setId("connection");
        state.getStyleClass().add("me-state");
        state.textProperty().bind(Bindings.createStringBinding(() -> describe(model.connectionProperty().get()),
                model.connectionProperty()));
        VBox who = new VBox(name, state);
        who.setMinWidth(0);
        HBox header = new HBox(me, who);
        header.getStyleClass().add("me");

        Label title = new Label("CONTACTS");
        title.getStyleClass().add("section-title");
        contacts.setId("contacts");
        contacts.getStyleClass().add("contacts");
        contacts.setItems(model.contacts());
        contacts.setCellFactory(l -> new ContactCell());
        contacts.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && now != model.selectedProperty().get()) {
                model.select(now);
            }
        });
        model.selectedProperty().addListener((o, was, now) -> contacts.getSelectionModel().select(now));
        VBox.setVgrow(contacts, Priority.ALWAYS);

        VBox box = new VBox(header, title, contacts);
        box.getStyleClass().add("sidebar");
        return box;
    }

    private BorderPane conversation(ChatModel model) {
        Avatar peerFace = new Avatar("?");
        Label peerName = new Label("No conversation");
        peerName.setId("peer-name");
        peerName.getStyleClass().add("peer-name");
        Label presence = new Label();
        presence.setId("peer-presence");
        presence.getStyleClass().add("peer-presence");
        VBox titles = new VBox(peerName, presence);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label lock = new Label();
        lock.getStyleClass().add("e2e-badge");
        lock.textProperty().bind(Bindings.when(model.pqcProperty()).then("AES-256-GCM + ML-KEM").otherwise("AES-256-GCM"));
        HBox header = new HBox(peerFace, titles, spacer, lock);
        header.getStyleClass().add("conversation-header");
        header.setAlignment(Pos.CENTER_LEFT);

        Label bannerText = new Label(qstcs.client.SecureChatSession.COMPROMISED_MESSAGE);
        bannerText.setWrapText(true);
        Label bannerHint = new Label("Messages you type now are held and sent with the new key.");
        bannerHint.getStyleClass().add("banner-hint");
        VBox banner = new VBox(bannerText, bannerHint);
        banner.setId("banner");
        banner.getStyleClass().add("banner");
        banner.visibleProperty().bind(model.compromisedProperty());
        banner.managedProperty().bind(banner.visibleProperty());

        Label notice = new Label();
        notice.setId("notice");
        notice.getStyleClass().add("notice");
        notice.setWrapText(true);
        notice.setMaxWidth(Double.MAX_VALUE);
        notice.textProperty().bind(model.noticeProperty());
        notice.visibleProperty().bind(Bindings.isNotEmpty(model.noticeProperty()).and(model.compromisedProperty().not()));
        notice.managedProperty().bind(notice.visibleProperty());

        messages.setId("messages");
        messages.getStyleClass().add("messages");
        messages.setCellFactory(BubbleCell::new);
        messages.setFocusTraversable(false);
        messages.setPlaceholder(new Label("No messages yet. Say hello — it is end-to-end encrypted."));
        ListChangeListener<MessageItem> follow = c -> messages.scrollTo(messages.getItems().size() - 1);
        model.selectedProperty().addListener((o, was, now) -> {
            if (was != null) {
                was.messages().removeListener(follow);
            }
            messages.setItems(now == null ? FXCollections.observableArrayList() : now.messages());
            if (now != null) {
                now.messages().addListener(follow);
                messages.scrollTo(now.messages().size() - 1);
                peerFace.show(now.deviceId());
                peerName.setText(now.deviceId());
                presence.textProperty().bind(Bindings.when(now.onlineProperty()).then("online").otherwise("offline"));
                now.onlineProperty().addListener((ob, w, n) -> presence.pseudoClassStateChanged(ONLINE, n));
                presence.pseudoClassStateChanged(ONLINE, now.onlineProperty().get());
            }
        });

        composer.setId("composer");
        composer.getStyleClass().add("composer-field");
        composer.setPromptText("Type a message");
        HBox.setHgrow(composer, Priority.ALWAYS);
        send.setId("send");
        send.getStyleClass().add("primary");
        send.disableProperty().bind(Bindings.isEmpty(composer.textProperty()).or(model.selectedProperty().isNull()));
        Runnable sendNow = () -> {
            if (model.send(composer.getText())) {
                composer.clear();
            }
        };
        send.setOnAction(e -> sendNow.run());
        composer.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && !e.isShiftDown()) {
                sendNow.run();
                e.consume();
            }
        });
        HBox composerRow = new HBox(composer, send);
        composerRow.getStyleClass().add("composer");
        composerRow.setAlignment(Pos.CENTER);

        BorderPane pane = new BorderPane(messages, new VBox(header, banner, notice), null, composerRow, null);
        pane.getStyleClass().add("conversation");
        return pane;
    }

    private static String describe(ConnectionState s) {
        return switch (s) {
            case IDLE -> "not connected";
            case CONNECTING -> "connecting…";
            case ONLINE -> "online · encrypted";
            case RECONNECTING -> "reconnecting…";
            case COMPROMISED -> "link compromised";
            case FAILED -> "not connected";
            case CLOSED -> "signed out";
        };
    }
}
