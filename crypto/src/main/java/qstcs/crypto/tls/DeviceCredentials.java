package qstcs.crypto.tls;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.wire.DeviceId;
import qstcs.crypto.wire.FlatJson;

/**
 * A device's credentials on its own machine, {@code $QSTCS_HOME/devices/<id>.json} (0600):
 * {@code device_id}, {@code device_token}, {@code kms_url}, {@code relay_url} and
 * {@code ca_fingerprint}, and {@code relay_urls} when the device was given several relays of one
 * cluster (the whole list, comma-separated; {@code relay_url} stays its first, so a reader that
 * knows one relay still finds one). The chat writes it after enrollment and the KMS writes it for the
 * demo's local soldiers ({@code --provision-demo}); {@code ./qstcs chat --device ID} reads it,
 * so a device enrolls once. The one definition of that file, shared by the client and the KMS.
 *
 * @param deviceId    the device id
 * @param deviceToken its token (a secret: never printed)
 * @param kmsUrl      the KMS URL (https, or http for a plain development KMS)
 * @param relayUrls   the relay URLs (wss or ws) in the order the device tries them, at least one
 * @param ca          the CA to pin for both
 */
public record DeviceCredentials(String deviceId, String deviceToken, URI kmsUrl, List<URI> relayUrls, CaFingerprint ca) {

    /** Directory under {@code $QSTCS_HOME}. */
    public static final String DIRECTORY = "devices";

    public DeviceCredentials {
        checkDeviceId(deviceId);
        if (deviceToken == null || deviceToken.isBlank()) {
            throw new IllegalArgumentException("no device token");
        }
        checkUrl(kmsUrl, "KMS", "http", "https");
        relayUrls = RelayAddresses.check(relayUrls);
        Objects.requireNonNull(ca, "ca");
    }

    /** Credentials naming one relay. */
    public DeviceCredentials(String deviceId, String deviceToken, URI kmsUrl, URI relayUrl, CaFingerprint ca) {
        this(deviceId, deviceToken, kmsUrl, List.of(Objects.requireNonNull(relayUrl, "relay URL")), ca);
    }

    /** The relay the device tries first. */
    public URI relayUrl() {
        return relayUrls.getFirst();
    }

    /** Where the credentials of {@code deviceId} live under {@code home}. */
    public static Path path(Path home, String deviceId) {
        return home.resolve(DIRECTORY).resolve(checkDeviceId(deviceId) + ".json");
    }

    /** The saved credentials of {@code deviceId}, if this machine has enrolled it. */
    public static Optional<DeviceCredentials> load(Path home, String deviceId) throws IOException {
        Path file = path(home, deviceId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            FlatJson o = FlatJson.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
            URI first = url(o.string("relay_url"));
            List<URI> relays = o.has("relay_urls") ? RelayAddresses.parse(o.string("relay_urls")) : List.of(first);
            if (!relays.getFirst().equals(first)) {
                throw new IllegalArgumentException("relay_url is not the first of relay_urls");
            }
            DeviceCredentials saved = new DeviceCredentials(o.string("device_id"), o.string("device_token"),
                    url(o.string("kms_url")), relays, CaFingerprint.parse(o.string("ca_fingerprint")));
            if (!saved.deviceId.equals(deviceId)) {
                throw new IllegalArgumentException("it names device " + saved.deviceId);
            }
            return Optional.of(saved);
        } catch (IOException | IllegalArgumentException e) {
            // FlatJson's refusals name fields and positions only, never the text (the token).
            throw new IOException("the device credentials in " + file + " are damaged (" + e.getMessage()
                    + "); enroll the device again");
        }
    }

    /** Saves to {@code home/devices/<id>.json}, readable by its owner only, replacing an older file. */
    public Path save(Path home) throws IOException {
        // Created 0600 before the token is written, so it is never readable by others, even briefly.
        Path file = StateHome.privateFile(path(home, deviceId).toAbsolutePath());
        FlatJson.Writer writer = FlatJson.writer()
                .string("device_id", deviceId)
                .string("device_token", deviceToken)
                .string("kms_url", kmsUrl.toString())
                .string("relay_url", relayUrl().toString());
        if (relayUrls.size() > 1) {
            writer.string("relay_urls", RelayAddresses.format(relayUrls));
        }
        String json = writer.string("ca_fingerprint", ca.toString()).toString();
        Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static String checkDeviceId(String id) {
        if (!DeviceId.isValid(id)) {
            throw new IllegalArgumentException("device id must be " + DeviceId.RULE + " (" + DeviceId.problem(id) + ")");
        }
        return id;
    }

    private static URI url(String text) {
        try {
            return new URI(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a URL: " + text);
        }
    }

    private static void checkUrl(URI url, String what, String plain, String secure) {
        Objects.requireNonNull(url, what + " URL");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(plain) && !scheme.equals(secure)) {
            throw new IllegalArgumentException("the " + what + " URL must start with " + secure + ":// or " + plain + "://, got " + url);
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("the " + what + " URL " + url + " has no host name");
        }
    }

    @Override
    public String toString() {
        return "DeviceCredentials[" + deviceId + ", kms=" + kmsUrl + ", relay=" + RelayAddresses.format(relayUrls) + ", ca=" + ca
                + ", token=(hidden)]";
    }
}
