package qstcs.client;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.DeviceCredentials;

/**
 * Everything a device needs to reach the KMS and the relay. Validated at creation so a wrong URL
 * or device id is reported in plain words before any connection is tried.
 *
 * <p>The device token and the pinned CA fingerprint are optional today and become mandatory once
 * TLS and enrollment land; they are carried here so that no caller has to change then. The token
 * is a secret: {@link #toString()} never shows it.
 */
public record ClientConfig(String deviceId, URI kmsUrl, URI relayUrl, Optional<String> deviceToken,
                           Optional<CaFingerprint> caFingerprint, boolean pqc, Duration backoffInitial,
                           Duration backoffMax) {

    /** Device routes answer only over TLS (DESIGN.md §2); the plain port 8000 refuses them. */
    public static final String DEFAULT_KMS_URL = "https://localhost:8443";
    public static final String DEFAULT_RELAY_URL = "wss://localhost:8765";

    /** Device ids travel in URLs, JSON and HKDF labels: keep them to a safe, readable alphabet. */

    public ClientConfig {
        deviceId = checkDeviceId(deviceId);
        Objects.requireNonNull(kmsUrl, "kmsUrl");
        Objects.requireNonNull(relayUrl, "relayUrl");
        deviceToken = Objects.requireNonNullElse(deviceToken, Optional.empty());
        caFingerprint = Objects.requireNonNullElse(caFingerprint, Optional.empty());
        backoffInitial = Objects.requireNonNullElse(backoffInitial, Duration.ofMillis(200));
        backoffMax = Objects.requireNonNullElse(backoffMax, Duration.ofSeconds(5));
        if (backoffInitial.isNegative() || backoffInitial.isZero() || backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoff must be positive and capped above its start, got "
                    + backoffInitial + " .. " + backoffMax);
        }
    }

    /** A config with defaults for everything but the identity and the two server addresses. */
    public static ClientConfig of(String deviceId, String kmsUrl, String relayUrl) {
        return new ClientConfig(deviceId, parseKmsUrl(kmsUrl), parseRelayUrl(relayUrl), Optional.empty(),
                Optional.empty(), false, null, null);
    }

    /** The configuration for saved credentials: TLS pinned to their CA, their token on every call. */
    public static ClientConfig of(DeviceCredentials saved) {
        return new ClientConfig(saved.deviceId(), saved.kmsUrl(), saved.relayUrl(), Optional.of(saved.deviceToken()),
                Optional.of(saved.ca()), false, null, null);
    }

    public ClientConfig withPqc(boolean on) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, caFingerprint, on, backoffInitial, backoffMax);
    }

    public ClientConfig withDeviceToken(String token) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, Optional.ofNullable(token), caFingerprint, pqc,
                backoffInitial, backoffMax);
    }

    /** Pins the QSTCS CA: TLS connections accept only certificates issued by it. */
    public ClientConfig withCaFingerprint(CaFingerprint pin) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, Optional.ofNullable(pin), pqc,
                backoffInitial, backoffMax);
    }

    public ClientConfig withBackoff(Duration initial, Duration max) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, caFingerprint, pqc, initial, max);
    }

    public static String checkDeviceId(String id) {
        if (!qstcs.crypto.wire.DeviceId.isValid(id)) {
            throw new IllegalArgumentException("device id must be " + qstcs.crypto.wire.DeviceId.RULE + ", got "
                    + (id == null ? "nothing" : "'" + id + "'"));
        }
        return id;
    }

    /** Parses a KMS address such as {@code http://10.0.0.5:8000}; the message says what is wrong. */
    public static URI parseKmsUrl(String text) {
        return parseUrl(text, "KMS", "http", "https");
    }

    /** Parses a relay address such as {@code ws://10.0.0.5:8765}; the message says what is wrong. */
    public static URI parseRelayUrl(String text) {
        return parseUrl(text, "relay", "ws", "wss");
    }

    private static URI parseUrl(String text, String what, String plain, String secure) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the " + what + " address is empty (e.g. " + plain + "://localhost)");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (Exception e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid " + what + " address (e.g. "
                    + plain + "://10.0.0.5)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(plain) && !scheme.equals(secure)) {
            throw new IllegalArgumentException("the " + what + " address must start with " + plain + ":// or "
                    + secure + "://, got '" + text + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("the " + what + " address '" + text + "' has no host name");
        }
        return uri;
    }

    @Override
    public String toString() {
        return "ClientConfig[device=" + deviceId + ", kms=" + kmsUrl + ", relay=" + relayUrl
                + ", token=" + (deviceToken.isPresent() ? "(set)" : "(none)")
                + ", ca=" + caFingerprint.map(CaFingerprint::toString).orElse("(system)") + ", pqc=" + pqc + "]";
    }
}
