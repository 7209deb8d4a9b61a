package qstcs.server.common;

import java.util.regex.Pattern;

import io.helidon.webserver.http.ServerRequest;

/**
 * A request's method and path as the audit log and the server log record them. The path comes
 * from the client: a decoded {@code %0A} would forge a log line and {@code %20} would let it
 * write sentences into the security record, so only a path of plain segments is written as it
 * is; any other is replaced by a fixed placeholder.
 */
public final class RequestLine {
    private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_.:~-]{0,128}){1,8}");
    static final String UNPRINTABLE = "<path not recorded: characters outside A-Z a-z 0-9 _ . : ~ ->";

    private RequestLine() {
    }

    /** {@code "METHOD /path"}, the path replaced when it is not plain. */
    public static String of(ServerRequest req) {
        return req.prologue().method().text() + " " + path(req.path().path());
    }

    static String path(String path) {
        return path != null && PLAIN_PATH.matcher(path).matches() ? path : UNPRINTABLE;
    }
}
