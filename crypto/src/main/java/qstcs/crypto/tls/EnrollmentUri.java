package qstcs.crypto.tls;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import qstcs.crypto.wire.DeviceId;

/**
 * The enrollment string an operator hands to a new device (as text or QR code):
 * {@code qstcs://HOST:8443/?device=ID&code=CODE&ca=sha256:HEX&relay=URL[,URL...]}. It tells the device
 * where the KMS's TLS port is, which CA to pin, its one-time code and the relays to use: one relay,
 * or every relay of a cluster, comma-separated inside the one percent-encoded {@code relay}
 * parameter (split after decoding, see {@link RelayAddresses}), in the order the device tries them.
 *
 * <p>The code is a one-time credential: {@link #toString()} hides it; only {@link #toUriString()}
 * writes it, for the operator's screen and the QR code.
 *
 * @param kmsHost host name or address of the KMS (IPv6 in brackets)
 * @param kmsPort the KMS's TLS port
 * @param deviceId the device this code enrolls
 * @param code the one-time enrollment code
 * @param ca fingerprint of the QSTCS CA to pin
 * @param relayUrls the relays' WebSocket URLs ({@code wss://…} or {@code ws://…}), at least one, none twice
 */
public record EnrollmentUri(String kmsHost, int kmsPort, String deviceId, String code, CaFingerprint ca,
                            List<URI> relayUrls) {

    /** The URI scheme. */
    public static final String SCHEME = "qstcs";
    /** The KMS TLS port when the string omits it. */
    public static final int DEFAULT_KMS_PORT = 8443;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9-]{6,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    public EnrollmentUri {
        Objects.requireNonNull(kmsHost, "kmsHost");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(ca, "ca");
        if (!HOST.matcher(kmsHost).matches()) {
            throw new IllegalArgumentException("bad KMS host '" + kmsHost + "' in the enrollment string");
        }
        if (kmsPort < 1 || kmsPort > 65535) {
            throw new IllegalArgumentException("bad KMS port " + kmsPort + " in the enrollment string");
        }
        if (!DeviceId.isValid(deviceId)) {
            throw new IllegalArgumentException("bad device id in the enrollment string (" + DeviceId.RULE + "; "
                    + DeviceId.problem(deviceId) + ")");
        }
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("the enrollment code is malformed (copy the whole enrollment string)");
        }
        try {
            relayUrls = RelayAddresses.check(relayUrls);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in the enrollment string");
        }
    }

    /** An enrollment string naming one relay. */
    public EnrollmentUri(String kmsHost, int kmsPort, String deviceId, String code, CaFingerprint ca, URI relayUrl) {
        this(kmsHost, kmsPort, deviceId, code, ca, List.of(Objects.requireNonNull(relayUrl, "relayUrl")));
    }

    /** The relay the device tries first. */
    public URI relayUrl() {
        return relayUrls.getFirst();
    }

    /** Parses an enrollment string; every error message says what is wrong and never echoes the code. */
    public static EnrollmentUri parse(String text) {
        Objects.requireNonNull(text, "enrollment string");
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an enrollment string (want qstcs://HOST:8443/?device=…): "
                    + e.getReason());
        }
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an enrollment string: it must start with qstcs://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the enrollment string names no KMS host");
        }
        Map<String, String> q = query(uri.getRawQuery());
        String relay = require(q, "relay");
        List<URI> relayUrls;
        try {
            relayUrls = RelayAddresses.parse(relay);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in the enrollment string");
        }
        return new EnrollmentUri(uri.getHost(), uri.getPort() < 0 ? DEFAULT_KMS_PORT : uri.getPort(),
                require(q, "device"), require(q, "code"), CaFingerprint.parse(require(q, "ca")), relayUrls);
    }

    /** The KMS base URL for enrollment and device routes, {@code https://HOST:PORT}. */
    public URI kmsUrl() {
        return URI.create("https://" + kmsHost + ":" + kmsPort);
    }

    /** The full string including the one-time code. */
    public String toUriString() {
        return SCHEME + "://" + kmsHost + ":" + kmsPort + "/?device=" + enc(deviceId) + "&code=" + enc(code)
                + "&ca=" + ca + "&relay=" + enc(RelayAddresses.format(relayUrls));
    }

    @Override
    public String toString() {
        return "EnrollmentUri[device=" + deviceId + ", kms=" + kmsUrl() + ", ca=" + ca + ", relay=" + RelayAddresses.format(relayUrls)
                + ", code=(hidden)]";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("the enrollment string repeats '" + key + "'");
            }
        }
        return out;
    }

    private static String require(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("the enrollment string has no " + key + "=");
        }
        return v;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
