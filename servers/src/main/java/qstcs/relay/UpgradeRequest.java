package qstcs.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The request head the event loop reads before anything else on a connection, parsed strictly:
 * it is either a well-formed WebSocket upgrade of {@code /} (RFC 6455 §4.2.1), which the loop
 * answers itself, or anything else, which goes unchanged to the relay's HTTP routes and gets
 * their answer (including their 4xx for a malformed head).
 */
final class UpgradeRequest {

    /** Largest request head read; a longer one is refused with 431. */
    static final int MAX_HEAD = 16 * 1024;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private UpgradeRequest() {
    }

    /** The index just past the blank line ending the head in {@code a[from, to)}, or -1. */
    static int headEnd(byte[] a, int from, int to) {
        for (int i = from + 3; i < to; i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The {@code Sec-WebSocket-Accept} answer when {@code head} (ending with its blank line) is a
     * WebSocket upgrade of {@code /} with everything RFC 6455 asks of one, else null.
     */
    static String acceptKey(byte[] head, int off, int len) {
        String text = new String(head, off, len, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        // The head ends with an empty line, and split leaves a second empty string after it.
        if (lines.length < 3 || !lines[lines.length - 1].isEmpty() || !lines[lines.length - 2].isEmpty()) {
            return null;
        }
        String[] start = lines[0].split(" ", -1);
        if (start.length != 3 || !start[0].equals("GET") || !start[2].equals("HTTP/1.1")
                || !(start[1].equals(RelayServer.ENDPOINT) || start[1].startsWith(RelayServer.ENDPOINT + "?"))) {
            return null;
        }
        String upgrade = null;
        String connection = null;
        String version = null;
        String key = null;
        boolean host = false;
        for (int i = 1; i < lines.length - 2; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                return null;
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "host" -> {
                    if (host) {
                        return null;
                    }
                    host = true;
                }
                case "upgrade" -> upgrade = upgrade == null ? value : upgrade + "," + value;
                case "connection" -> connection = connection == null ? value : connection + "," + value;
                case "sec-websocket-version" -> {
                    if (version != null) {
                        return null;
                    }
                    version = value;
                }
                case "sec-websocket-key" -> {
                    if (key != null) {
                        return null;
                    }
                    key = value;
                }
                default -> {
                    // Other headers (Origin, User-Agent, extensions the relay does not offer) are ignored.
                }
            }
        }
        if (!host || !hasToken(upgrade, "websocket") || !hasToken(connection, "upgrade") || !"13".equals(version)
                || !validKey(key)) {
            return null;
        }
        return accept(key);
    }

    /** The 101 response that completes an upgrade. */
    static byte[] switching(String accept) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code base64(SHA-1(key + GUID))} (RFC 6455 §4.2.2). */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private static boolean validKey(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasToken(String list, String token) {
        if (list == null) {
            return false;
        }
        for (String part : list.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 9110 token characters for a header name. */
    private static boolean isToken(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            boolean ok = c > ' ' && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code head} for the HTTP routes, asking for the connection to close after the response
     * (one request per hand-off): every {@code Connection} and {@code Keep-Alive} header is
     * replaced by {@code Connection: close}. A head that is not lines of CRLF is passed as it is;
     * the routes refuse it.
     */
    static byte[] closingHead(byte[] head, int off, int len) {
        String text = new String(head, off, len, StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r\n\r\n")) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        StringBuilder out = new StringBuilder(len + 24).append(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String lower = lines[i].toLowerCase(Locale.ROOT);
            if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) {
                out.append(lines[i]).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
