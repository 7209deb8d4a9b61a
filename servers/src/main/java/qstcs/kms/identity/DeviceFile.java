package qstcs.kms.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.server.common.StateHome;

/**
 * A device's credentials on its own machine: {@code $QSTCS_HOME/devices/<id>.json} (0600) with
 * {@code device_id}, {@code device_token}, {@code kms_url} (https), {@code relay_url} and
 * {@code ca_fingerprint}. Written by the chat window after enrollment, and by the KMS for the
 * demo's local devices; {@code ./qstcs chat --device ID} reads it, so nobody types anything.
 *
 * @param deviceId the device id
 * @param deviceToken its token (never printed)
 * @param kmsUrl the KMS TLS base URL
 * @param relayUrl the relay URL
 * @param ca the CA to pin
 */
public record DeviceFile(String deviceId, String deviceToken, URI kmsUrl, URI relayUrl, CaFingerprint ca) {

    /** Directory under {@code $QSTCS_HOME}. */
    public static final String DIRECTORY = "devices";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path path(Path home, String deviceId) {
        return home.resolve(DIRECTORY).resolve(DeviceRegistry.checkDeviceId(deviceId) + ".json");
    }

    /** Writes {@code home/devices/<id>.json}, 0600, replacing an older one. */
    public Path write(Path home) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("device_id", deviceId);
        o.put("device_token", deviceToken);
        o.put("kms_url", kmsUrl.toString());
        o.put("relay_url", relayUrl.toString());
        o.put("ca_fingerprint", ca.toString());
        Path file = StateHome.privateFile(path(home, deviceId).toAbsolutePath());
        Files.writeString(file, o.toString() + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Override
    public String toString() {
        return "DeviceFile[" + deviceId + ", kms=" + kmsUrl + ", relay=" + relayUrl + ", ca=" + ca + ", token=(hidden)]";
    }
}
