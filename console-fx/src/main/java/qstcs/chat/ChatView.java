package qstcs.chat;

import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.Node;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.StackPane;
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
    private static final PseudoClass STALE = PseudoClass.getPseudoClass("stale");

    final TextArea composer = new TextArea();
    final Button send = new Button("Send");
    final ListView<MessageItem> messages = new ListView<>();
    final ListView<Contact> contacts = new ListView<>();
    /** The bubble whose text the user is selecting with the mouse, if any. */
    private SelectableText textSelection;
    /** Switches dark/light; the window owns the theme and sets the action. */
    final Button themeToggle = new Button();
    /** The directory of enrolled devices under "+ New". */
    final ContextMenu directoryMenu = new ContextMenu();

    /** Below this width (a chat docked beside the console) the contact list gives way to the conversation. */
    static final double SIDEBAR_MIN_VIEW_WIDTH = 620;
    /** The share of the conversation header a peer's name may always take, cutting the badges short if need be. */
    static final double NAME_SHARE = 0.4;

    ChatView(ChatModel model) {
        getStyleClass().add("chat");
        VBox sidebar = sidebar(model);
        setLeft(sidebar);
        sidebar.managedProperty().bind(widthProperty().greaterThanOrEqualTo(SIDEBAR_MIN_VIEW_WIDTH));
        sidebar.visibleProperty().bind(sidebar.managedProperty());
        setCenter(new StackPane(conversation(model), new VerificationView(model)));
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
        state.textProperty().bind(Bindings.createStringBinding(() -> model.statusProperty().get().connectionText(),
                model.statusProperty()));
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

        Button start = new Button("+ New");
        start.setId("new-conversation");
        start.getStyleClass().add("sidebar-button");
        start.setTooltip(new Tooltip("Start a conversation with an enrolled device"));
        ContextMenu people = directoryMenu;
        people.setId("directory-menu");
        Runnable fill = () -> {
            people.getItems().clear();
            if (model.directory().isEmpty()) {
                MenuItem none = new MenuItem("No other enrolled devices");
                none.setDisable(true);
                people.getItems().add(none);
            }
            for (String d : model.directory()) {
                MenuItem item = new MenuItem(d);
                item.setId("directory-" + d);
                item.setOnAction(e -> model.startConversation(d));
                people.getItems().add(item);
            }
        };
        model.directory().addListener((javafx.collections.ListChangeListener<String>) c -> fill.run());
        start.setOnAction(e -> {
            fill.run();
            model.refreshDirectory();
            people.show(start, javafx.geometry.Side.BOTTOM, 0, 0);
        });
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        themeToggle.setId("theme-toggle");
        themeToggle.getStyleClass().add("sidebar-button");
        themeToggle.setTooltip(new Tooltip("Dark or light colours (Ctrl+T); Ctrl++ / Ctrl+- zoom the text"));
        for (javafx.scene.control.Control c : new javafx.scene.control.Control[] {title, themeToggle, start, send}) {
            c.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox titleRow = new HBox(6, title, gap, themeToggle, start);
        titleRow.setAlignment(Pos.CENTER_LEFT);
        titleRow.getStyleClass().add("section-row");
        VBox box = new VBox(header, titleRow, contacts);
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
        lock.setId("e2e-badge");
        lock.getStyleClass().add("e2e-badge");
        lock.textProperty().bind(Bindings.createStringBinding(() -> model.statusProperty().get().badge(),
                model.statusProperty()));
        // Grey unless the key is in use right now (held, relay connected, link not RED).
        model.statusProperty().addListener((o, was, now) -> lock.pseudoClassStateChanged(STALE, !now.badgeCurrent()));
        lock.pseudoClassStateChanged(STALE, true);
        Button trust = new Button();
        trust.setId("trust-badge");
        trust.getStyleClass().add("trust-badge");
        trust.setOnAction(e -> model.openVerification());
        trust.setTooltip(new Tooltip("Compare safety numbers with this contact in person"));
        trust.visibleProperty().bind(model.selectedProperty().isNotNull());
        HBox header = new HBox(peerFace, titles, spacer, trust, lock);
        header.getStyleClass().add("conversation-header");
        header.setAlignment(Pos.CENTER_LEFT);
        // The name is what the header is for: narrow (docked beside the console) the face gives
        // way, and the name stays whole on one line. Only a name longer than the room beside the
        // badges and more than NAME_SHARE of the header is cut with "…" (the tooltip names it).
        peerFace.managedProperty().bind(widthProperty().greaterThanOrEqualTo(SIDEBAR_MIN_VIEW_WIDTH));
        peerFace.visibleProperty().bind(peerFace.managedProperty());
        trust.setMinWidth(Region.USE_COMPUTED_SIZE);
        javafx.beans.binding.DoubleBinding nameWidth = Bindings.createDoubleBinding(() -> {
            double beside = header.snappedLeftInset() + header.snappedRightInset();
            for (Node n : new Node[] {peerFace, trust, lock}) {
                beside += n.isManaged() ? n.prefWidth(-1) + header.getSpacing() : 0;
            }
            double room = Math.max(header.getWidth() - beside - header.getSpacing(), header.getWidth() * NAME_SHARE);
            return Math.min(Math.max(peerName.prefWidth(-1), presence.prefWidth(-1)), room);
        }, header.widthProperty(), peerName.textProperty(), peerName.fontProperty(), presence.textProperty(),
                trust.textProperty(), lock.textProperty(), peerFace.managedProperty());
        titles.minWidthProperty().bind(nameWidth);
        titles.prefWidthProperty().bind(nameWidth);

        Label bannerText = new Label(qstcs.client.SecureChatSession.COMPROMISED_MESSAGE);
        bannerText.setWrapText(true);
        Label bannerHint = new Label("Messages you type now are held and sent with the new key.");
        bannerHint.getStyleClass().add("banner-hint");
        bannerHint.setWrapText(true); // docked beside the console the line is wider than the chat
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
        messages.setCellFactory(list -> new BubbleCell(list, model, this::selecting));
        // A press anywhere else in the list ends the text selection, as in any text view.
        messages.addEventFilter(MouseEvent.MOUSE_PRESSED, e -> {
            if (textSelection != null && !(e.getTarget() instanceof Node n && isWithin(n, textSelection))) {
                textSelection.clearSelection();
                textSelection = null;
            }
        });
        // Ctrl+C copies the text selected with the mouse, else the whole selected message
        // (right-click offers both too).
        messages.setOnKeyPressed(e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.C) {
                if (textSelection != null && textSelection.hasSelection()) {
                    BubbleCell.copy(textSelection.selectedText());
                } else {
                    BubbleCell.copyText(messages.getSelectionModel().getSelectedItem());
                }
                e.consume();
            }
        });
        Label empty = new Label("No messages yet. Say hello — it is end-to-end encrypted.");
        empty.setWrapText(true);
        empty.setTextAlignment(javafx.scene.text.TextAlignment.CENTER);
        empty.setPadding(new javafx.geometry.Insets(0, 16, 0, 16));
        messages.setPlaceholder(empty);
        NewestInView newest = new NewestInView(messages);
        ListChangeListener<MessageItem> follow = c -> newest.showNewest();
        // Going RED brings the newest messages into view, where the held ones will appear under
        // the banner that explains them, even if the soldier had scrolled back.
        model.compromisedProperty().addListener((o, was, now) -> {
            if (now) {
                newest.showNewest();
            }
        });
        model.selectedProperty().addListener((o, was, now) -> {
            if (was != null) {
                was.messages().removeListener(follow);
            }
            messages.setItems(now == null ? FXCollections.observableArrayList() : now.messages());
            if (now != null) {
                now.messages().addListener(follow);
                newest.showNewest();
                peerFace.show(now.deviceId());
                peerName.setText(now.deviceId());
                peerName.setTooltip(new Tooltip(now.deviceId()));
                trust.textProperty().bind(Bindings.createStringBinding(() -> trustText(now.trustProperty().get()),
                        now.trustProperty()));
                showTrust(trust, now.trustProperty().get());
                now.trustProperty().addListener((ob, w, n) -> {
                    if (model.selectedProperty().get() == now) {
                        showTrust(trust, n);
                    }
                });
                presence.textProperty().bind(Bindings.when(now.onlineProperty()).then("online").otherwise("offline"));
                now.onlineProperty().addListener((ob, w, n) -> presence.pseudoClassStateChanged(ONLINE, n));
                presence.pseudoClassStateChanged(ONLINE, now.onlineProperty().get());
            }
        });

        composer.setId("composer");
        composer.getStyleClass().add("composer-field");
        composer.setPromptText("Message — Shift+Enter for a new line");
        composer.setWrapText(true);
        composer.setPrefRowCount(1);
        // Grow with the text up to five lines, as messengers do.
        composer.prefRowCountProperty().bind(Bindings.createIntegerBinding(
                () -> Math.clamp(composer.getText().split("\n", -1).length, 1, 5), composer.textProperty()));
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
        composer.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() != KeyCode.ENTER) {
                return;
            }
            e.consume();
            if (e.isShiftDown()) {
                composer.replaceSelection("\n");
            } else {
                sendNow.run();
            }
        });
        HBox composerRow = new HBox(composer, send);
        composerRow.getStyleClass().add("composer");
        composerRow.setAlignment(Pos.CENTER);

        BorderPane pane = new BorderPane(messages, new VBox(header, banner, retryBar(model), notice, toast(model)), null,
                composerRow, null);
        pane.getStyleClass().add("conversation");
        return pane;
    }

    /** One text selection in the conversation at a time: starting one ends the previous. */
    private void selecting(SelectableText now) {
        if (textSelection != null && textSelection != now) {
            textSelection.clearSelection();
        }
        textSelection = now;
    }

    private static boolean isWithin(Node n, Node ancestor) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** An in-app notification of a message in another conversation or while the window is in the background. */
    private static HBox toast(ChatModel model) {
        Label text = new Label();
        text.setId("notification-text");
        text.textProperty().bind(model.notificationProperty());
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button open = new Button("Open");
        open.setId("notification-open");
        open.setOnAction(e -> model.openNotification());
        Button close = new Button("✕");
        close.setId("notification-close");
        close.setOnAction(e -> model.dismissNotification());
        HBox bar = new HBox(8, new Label("✉"), text, open, close);
        bar.setId("notification");
        bar.getStyleClass().add("toast");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.visibleProperty().bind(Bindings.isNotEmpty(model.notificationProperty()));
        bar.managedProperty().bind(bar.visibleProperty());
        bar.setOnMouseClicked(e -> model.openNotification());
        return bar;
    }

    private static final PseudoClass VERIFIED = PseudoClass.getPseudoClass("verified");
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");

    private static String trustText(Contact.Trust t) {
        return switch (t) {
            case VERIFIED -> "✔ Verified";
            case CHANGED -> "⚠ Key changed — verify";
            case UNVERIFIED, UNKNOWN -> "Not verified";
        };
    }

    private static void showTrust(Button b, Contact.Trust t) {
        b.pseudoClassStateChanged(VERIFIED, t == Contact.Trust.VERIFIED);
        b.pseudoClassStateChanged(CHANGED, t == Contact.Trust.CHANGED);
    }

    /**
     * While the key service or relay cannot be reached: what is wrong, when the next attempt is,
     * and a button to try at once. Messages typed meanwhile wait and go when it answers.
     */
    private static HBox retryBar(ChatModel model) {
        Label text = new Label();
        text.setId("retry-text");
        text.setWrapText(true);
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button now = new Button("Retry now");
        now.setId("retry-now");
        now.setMinWidth(Region.USE_PREF_SIZE);
        now.setOnAction(e -> model.retryNow());
        HBox bar = new HBox(text, now);
        bar.setId("retry-bar");
        bar.getStyleClass().add("retry-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        Runnable show = () -> {
            ChatStatus s = model.statusProperty().get();
            boolean waiting = s.retrySeconds() >= 0 && s.connection() != ConnectionState.ONLINE
                    && s.connection() != ConnectionState.COMPROMISED;
            bar.setVisible(waiting);
            bar.setManaged(waiting);
            String why = model.statusTextProperty().get();
            text.setText((why.isEmpty() ? "Cannot reach the key service or the relay." : why) + " Trying again in "
                    + s.retrySeconds() + " s. Messages you type wait and go when it answers.");
        };
        model.statusProperty().addListener((o, was, n) -> show.run());
        model.statusTextProperty().addListener((o, was, n) -> show.run());
        show.run();
        return bar;
    }
}
