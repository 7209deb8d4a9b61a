package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.tls.CaFingerprint;

/**
 * A device's credentials on its own machine, {@code $QSTCS_HOME/devices/<id>.json} (0600):
 * {@code device_id}, {@code device_token}, {@code kms_url} (https), {@code relay_url} and
 * {@code ca_fingerprint}. Written after enrollment (and by the KMS's {@code --provision-demo} for
 * the demo's local soldiers); read by {@code ./qstcs chat --device ID}, so a device enrolls once.
 *
 * @param deviceId the device id
 * @param deviceToken its token (a secret: never printed)
 * @param kmsUrl the KMS TLS URL
 * @param relayUrl the relay URL
 * @param ca the CA to pin for both
 */
public record DeviceCredentials(String deviceId, String deviceToken, URI kmsUrl, URI relayUrl, CaFingerprint ca) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DeviceCredentials {
        ClientConfig.checkDeviceId(deviceId);
        Objects.requireNonNull(deviceToken, "deviceToken");
        Objects.requireNonNull(kmsUrl, "kmsUrl");
        Objects.requireNonNull(relayUrl, "relayUrl");
        Objects.requireNonNull(ca, "ca");
    }

    /** Where the credentials of {@code deviceId} live under {@code home}. */
    public static Path path(Path home, String deviceId) {
        return home.resolve("devices").resolve(ClientConfig.checkDeviceId(deviceId) + ".json");
    }

    /** The saved credentials of {@code deviceId}, if this machine has enrolled it. */
    public static Optional<DeviceCredentials> load(Path home, String deviceId) throws IOException {
        Path file = path(home, deviceId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode o = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(new DeviceCredentials(o.path("device_id").asText(), text(o, "device_token"),
                    ClientConfig.parseKmsUrl(text(o, "kms_url")), ClientConfig.parseRelayUrl(text(o, "relay_url")),
                    CaFingerprint.parse(text(o, "ca_fingerprint"))));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("the device credentials in " + file + " are damaged (" + e.getMessage()
                    + "); enroll the device again");
        }
    }

    private static String text(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IOException("no " + field);
        }
        return v.asText();
    }

    /** Saves to {@code home/devices/<id>.json}, readable by its owner only. */
    public Path save(Path home) throws IOException {
        Path file = path(home, deviceId);
        Files.createDirectories(file.getParent());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            if (posix) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("device_id", deviceId);
        o.put("device_token", deviceToken);
        o.put("kms_url", kmsUrl.toString());
        o.put("relay_url", relayUrl.toString());
        o.put("ca_fingerprint", ca.toString());
        Files.writeString(file, o + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** The SDK configuration for these credentials: TLS pinned to the CA, the token on every call. */
    public ClientConfig toConfig() {
        return new ClientConfig(deviceId, kmsUrl, relayUrl, Optional.of(deviceToken), Optional.of(ca), false, null, null);
    }

    @Override
    public String toString() {
        return "DeviceCredentials[" + deviceId + ", kms=" + kmsUrl + ", relay=" + relayUrl + ", ca=" + ca + ", token=(hidden)]";
    }
}
