package qstcs.client;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's enrollment string (DESIGN.md §7):
 * {@code qstcs://HOST:8443/?device=ID&code=CODE&ca=sha256:HEX&relay=URL}. Parsing it tells the
 * join view the device id, the KMS (TLS) and relay addresses and the CA fingerprint to pin; the
 * one-time code is a secret and never shown by {@link #toString()}.
 */
public record EnrollmentString(String deviceId, URI kmsUrl, String code, Optional<String> caFingerprint,
                               Optional<URI> relayUrl) {

    public static EnrollmentString parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the enrollment string is empty");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (Exception e) {
            throw new IllegalArgumentException("this is not an enrollment string (expected qstcs://HOST:PORT/?device=…)");
        }
        if (!"qstcs".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("an enrollment string starts with qstcs://HOST:PORT/ — ask the operator for a new one");
        }
        Map<String, String> q = new HashMap<>();
        String raw = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String device = ClientConfig.checkDeviceId(q.get("device"));
        String code = q.get("code");
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("the enrollment string has no code — ask the operator for a new one");
        }
        Optional<String> ca = Optional.ofNullable(q.get("ca")).map(c -> {
            String hex = c.toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "").replace(":", "");
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("the enrollment string's CA fingerprint is not a SHA-256 value");
            }
            return hex;
        });
        int port = uri.getPort() > 0 ? uri.getPort() : 8443;
        URI kms = URI.create("https://" + uri.getHost() + ":" + port);
        Optional<URI> relay = Optional.ofNullable(q.get("relay")).map(ClientConfig::parseRelayUrl);
        return new EnrollmentString(device, kms, code, ca, relay);
    }

    @Override
    public String toString() {
        return "EnrollmentString[device=" + deviceId + ", kms=" + kmsUrl + ", code=(hidden)]";
    }
}
