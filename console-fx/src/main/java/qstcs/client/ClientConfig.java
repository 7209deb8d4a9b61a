package qstcs.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.DeviceCredentials;

/**
 * Everything a device needs to reach the KMS and the relay. Validated at creation so a wrong URL
 * or device id is reported in plain words before any connection is tried.
 *
 * <p>The device token and the pinned CA fingerprint are optional so that a loopback test can use
 * plain http and ws; saved credentials ({@link #of(DeviceCredentials)}) always carry both. The
 * token is a secret: {@link #toString()} never shows it.
 *
 * <p>{@code otherRelays} are further relays of the same cluster: the client moves to the next one
 * when its relay cannot be reached or the connection breaks (a name resolving to several
 * addresses is tried address by address as well).
 */
public record ClientConfig(String deviceId, URI kmsUrl, URI relayUrl, Optional<String> deviceToken,
                           Optional<CaFingerprint> caFingerprint, boolean pqc, Duration backoffInitial,
                           Duration backoffMax, Optional<KmeEndpoint> kme, List<URI> otherRelays) {

    /** Device routes answer only over TLS; the plain port 8000 refuses them. */
    public static final String DEFAULT_KMS_URL = "https://localhost:8443";
    public static final String DEFAULT_RELAY_URL = "wss://localhost:8765";

    /** Device ids travel in URLs, JSON and HKDF labels: keep them to a safe, readable alphabet. */

    public ClientConfig {
        deviceId = checkDeviceId(deviceId);
        Objects.requireNonNull(kmsUrl, "kmsUrl");
        Objects.requireNonNull(relayUrl, "relayUrl");
        deviceToken = Objects.requireNonNullElse(deviceToken, Optional.empty());
        caFingerprint = Objects.requireNonNullElse(caFingerprint, Optional.empty());
        kme = Objects.requireNonNullElse(kme, Optional.empty());
        otherRelays = otherRelays == null ? List.of() : List.copyOf(otherRelays);
        backoffInitial = Objects.requireNonNullElse(backoffInitial, Duration.ofMillis(200));
        backoffMax = Objects.requireNonNullElse(backoffMax, Duration.ofSeconds(5));
        if (backoffInitial.isNegative() || backoffInitial.isZero() || backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoff must be positive and capped above its start, got "
                    + backoffInitial + " .. " + backoffMax);
        }
    }

    /**
     * A config with defaults for everything but the identity and the server addresses;
     * {@code relayUrls} is one relay address or several of one cluster, comma-separated.
     */
    public static ClientConfig of(String deviceId, String kmsUrl, String relayUrls) {
        List<URI> relays = parseRelayUrls(relayUrls);
        return new ClientConfig(deviceId, parseKmsUrl(kmsUrl), relays.getFirst(), Optional.empty(),
                Optional.empty(), false, null, null, Optional.empty(), relays.subList(1, relays.size()));
    }

    /**
     * The configuration for saved credentials: TLS pinned to their CA, their token on every call, and
     * every relay saved at enrollment (the relays of a cluster, in the order the device tries them).
     */
    public static ClientConfig of(DeviceCredentials saved) {
        List<URI> relays = saved.relayUrls();
        return new ClientConfig(saved.deviceId(), saved.kmsUrl(), relays.getFirst(), Optional.of(saved.deviceToken()),
                Optional.of(saved.ca()), false, null, null, Optional.empty(), relays.subList(1, relays.size()));
    }

    /** Every relay this device may use, in the order it tries them. */
    public List<URI> relayUrls() {
        List<URI> all = new java.util.ArrayList<>(1 + otherRelays.size());
        all.add(relayUrl);
        all.addAll(otherRelays);
        return List.copyOf(all);
    }

    /** The same device with these relays of one cluster (tried in this order). */
    public ClientConfig withRelays(List<URI> relays) {
        if (relays == null || relays.isEmpty()) {
            throw new IllegalArgumentException("give at least one relay address");
        }
        return new ClientConfig(deviceId, kmsUrl, relays.getFirst(), deviceToken, caFingerprint, pqc, backoffInitial,
                backoffMax, kme, relays.subList(1, relays.size()));
    }

    public ClientConfig withPqc(boolean on) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, caFingerprint, on, backoffInitial, backoffMax, kme, otherRelays);
    }

    public ClientConfig withDeviceToken(String token) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, Optional.ofNullable(token), caFingerprint, pqc,
                backoffInitial, backoffMax, kme, otherRelays);
    }

    /** Pins the QSTCS CA: TLS connections accept only certificates issued by it. */
    public ClientConfig withCaFingerprint(CaFingerprint pin) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, Optional.ofNullable(pin), pqc,
                backoffInitial, backoffMax, kme, otherRelays);
    }

    public ClientConfig withBackoff(Duration initial, Duration max) {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, caFingerprint, pqc, initial, max, kme,
                otherRelays);
    }

    /**
     * Takes pair keys from an ETSI GS QKD 014 KME instead of the QSTCS key routes (the relay,
     * the device token and the link watch stay QSTCS). Its SAE id must be this device's id.
     */
    public ClientConfig withKme(KmeEndpoint endpoint) {
        if (endpoint != null && !endpoint.saeId().equals(deviceId)) {
            throw new IllegalArgumentException("the SAE certificate is for '" + endpoint.saeId() + "', but this device is '"
                    + deviceId + "': peers ask the KME for keys under device ids");
        }
        return new ClientConfig(deviceId, kmsUrl, relayUrl, deviceToken, caFingerprint, pqc, backoffInitial, backoffMax,
                Optional.ofNullable(endpoint), otherRelays);
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

    /**
     * Parses one relay address or several, comma-separated ({@code wss://10.0.0.5:8765,wss://10.0.0.6:8765}:
     * relays of one cluster); the message names the address that is wrong.
     */
    public static List<URI> parseRelayUrls(String text) {
        List<URI> out = new java.util.ArrayList<>();
        for (String part : text == null ? new String[0] : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parseRelayUrl(part));
            }
        }
        if (out.isEmpty()) {
            return List.of(parseRelayUrl(text));
        }
        return List.copyOf(out);
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
        return "ClientConfig[device=" + deviceId + ", kms=" + kmsUrl + ", relay=" + relayUrls()
                + ", token=" + (deviceToken.isPresent() ? "(set)" : "(none)")
                + ", ca=" + caFingerprint.map(CaFingerprint::toString).orElse("(system)") + ", pqc=" + pqc + "]";
    }
}
