package qstcs.console;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import qstcs.crypto.home.StateHome;

/**
 * The console's command line: {@code [--home DIR] [--kms URL] [--relay URL]}.
 * URLs are checked here so a typo fails at start with a clear message instead of an OFFLINE lamp.
 */
public record ConsoleOptions(Path home, HttpUrl kmsUrl, HttpUrl relayUrl, List<DockedChat> dockedChats,
                             boolean freshChatHistory) {
    public static final String DEFAULT_KMS = "https://127.0.0.1:8443";
    /** The relay serves TLS only; its {@code /stats} lists device ids only to the operator, over https. */
    public static final String DEFAULT_RELAY = "https://127.0.0.1:8765";

    /** A soldier's chat shown inside the console window (the demo's presenter layout). */
    public record DockedChat(String device, String peer) {
    }

    public ConsoleOptions {
        dockedChats = List.copyOf(dockedChats);
    }

    static final String USAGE = """
            Usage: ./qstcs console [--home DIR] [--kms URL] [--relay URL] [--dock-chat DEVICE:PEER]...
                                   [--fresh-chat-history]

            SOC console for QSTCS: live link state from the KMS event stream, Force Attack,
            Reset, the eavesdropper switch, and a BB84 step visualiser.
            The quantum link is a classical simulation of BB84, not quantum hardware.

              --home DIR    state directory (default $QSTCS_HOME, else ~/.qstcs); the operator
                            token is read from DIR/kms/operator.token or $QSTCS_OPERATOR_TOKEN,
                            the KMS's CA from DIR/kms/ca.crt or $QSTCS_CA_FINGERPRINT (sha256:HEX)
              --kms URL     KMS base URL (default %s; operator routes are served over TLS
                            only, so an http:// address works only with a KMS that allows it)
              --relay URL   relay URL for its /stats (default %s; ws:// and wss:// are accepted)
              --dock-chat DEVICE:PEER
                            also show DEVICE's chat with PEER inside the console window, right of
                            the dashboard (repeatable; the one-window presenter layout of the demo)
              --fresh-chat-history
                            the docked chats start with an empty conversation (their stored
                            history is deleted first; ./qstcs demo does this unless --keep-history)
            Zoom: Ctrl + / Ctrl − / Ctrl 0. Window placement: -Dqstcs.window=X,Y,W,H (QSTCS_JAVA_OPTS).
            """.formatted(DEFAULT_KMS, DEFAULT_RELAY);

    /** Thrown for a bad command line; the message is meant for the person who typed it. */
    public static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Thrown for {@code --help}: the caller prints {@link #USAGE} and exits 0. */
    public static final class HelpRequested extends Exception {
        HelpRequested() {
            super("help");
        }
    }

    static ConsoleOptions parse(List<String> args, Map<String, String> env) throws UsageException, HelpRequested {
        String home = null;
        String kms = DEFAULT_KMS;
        String relay = DEFAULT_RELAY;
        java.util.List<DockedChat> docked = new java.util.ArrayList<>();
        boolean freshChatHistory = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> throw new HelpRequested();
                case "--home" -> home = valueOf(args, ++i, arg);
                case "--kms" -> kms = valueOf(args, ++i, arg);
                case "--relay" -> relay = valueOf(args, ++i, arg);
                case "--dock-chat" -> {
                    String pair = valueOf(args, ++i, arg);
                    String[] ids = pair.split(":", -1);
                    if (ids.length != 2 || ids[0].isBlank() || ids[1].isBlank()) {
                        throw new UsageException("--dock-chat needs DEVICE:PEER, got '" + pair + "'");
                    }
                    docked.add(new DockedChat(ids[0].strip(), ids[1].strip()));
                }
                case "--fresh-chat-history" -> freshChatHistory = true;
                default -> throw new UsageException("unknown option '" + arg + "' (try --help)");
            }
        }
        try {
            return new ConsoleOptions(StateHome.resolve(Optional.ofNullable(home), env).root(), httpUrl(kms, "--kms"), httpUrl(relay, "--relay"),
                    docked, freshChatHistory);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Parses an operator-typed base URL. The relay is usually written as its WebSocket address, so
     * {@code ws://}/{@code wss://} map to {@code http://}/{@code https://} for the {@code /stats} call.
     */
    public static HttpUrl httpUrl(String text, String what) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("ws://")) {
            t = "http://" + t.substring(5);
        } else if (t.startsWith("wss://")) {
            t = "https://" + t.substring(6);
        }
        HttpUrl url = HttpUrl.parse(t);
        if (url == null) {
            throw new IllegalArgumentException(what + " must be an http(s):// or ws(s):// URL, got '" + text + "'");
        }
        return url;
    }

    private static String valueOf(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(option + " needs a value (try --help)");
        }
        return args.get(i);
    }
}
