package qstcs.crypto.tls;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The relays of one cluster a device may use, in the order it tries them, written as one
 * comma-separated text ({@code wss://10.0.0.5:8765,wss://10.0.0.6:8765}): the {@code relay}
 * parameter of an enrollment string, the KMS's {@code --relay-url} and the saved device file.
 *
 * <p>The comma is safe as a separator: a relay address is {@code ws[s]://HOST:PORT[/path]} and
 * neither a DNS name, an IPv4 address, a bracketed IPv6 address nor a port can contain one
 * (a comma in the authority makes Java's parser find no host, which is refused). A path with
 * a comma would be split and its tail refused as not an address; no relay uses such a path.
 */
public final class RelayAddresses {

    private RelayAddresses() {
    }

    /**
     * Parses one relay address or several, comma-separated. Strict: an empty entry, an address that
     * is not {@code ws://}/{@code wss://} with a host, or one given twice is refused, and the message
     * names it; nothing is returned then.
     */
    public static List<URI> parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new IllegalArgumentException("no relay URL (want wss://HOST:8765)");
        }
        List<URI> out = new ArrayList<>();
        for (String part : commaSeparated.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("an empty relay URL in '" + commaSeparated
                        + "' (separate relay URLs by single commas)");
            }
            out.add(parseOne(part.strip()));
        }
        return check(out);
    }

    /** Checks a list given as URIs: non-empty, every entry a ws/wss URL with a host, no duplicates. */
    public static List<URI> check(List<URI> relays) {
        Objects.requireNonNull(relays, "relays");
        if (relays.isEmpty()) {
            throw new IllegalArgumentException("no relay URL (want wss://HOST:8765)");
        }
        Set<String> seen = new HashSet<>();
        for (URI relay : relays) {
            checkOne(relay);
            if (!seen.add(relay.toString().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("relay URL '" + relay + "' is listed twice");
            }
        }
        return List.copyOf(relays);
    }

    /** The comma-separated text of {@code relays} (one address: just that address). */
    public static String format(List<URI> relays) {
        return relays.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    private static URI parseOne(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad relay URL '" + text + "' (want wss://HOST:8765): " + e.getReason());
        }
        return checkOne(uri);
    }

    private static URI checkOne(URI relay) {
        Objects.requireNonNull(relay, "relay");
        String scheme = relay.getScheme() == null ? "" : relay.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("wss") || scheme.equals("ws")) || relay.getHost() == null || relay.getHost().isBlank()) {
            throw new IllegalArgumentException("bad relay URL '" + relay + "' (want wss://HOST:8765 or ws://HOST:8765)");
        }
        return relay;
    }
}
