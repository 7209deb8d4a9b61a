package qstcs.relay;

import java.net.URI;
import java.util.Optional;

/**
 * How to run a relay: where it listens, which KMS it follows and its limits. Built from
 * {@code relay/application.yaml} and the command line by {@link RelayOptions}; tests and
 * benchmarks build it directly.
 *
 * @param bind             address to bind (null: {@code 0.0.0.0} with {@code insecure}, else loopback)
 * @param port             WebSocket and HTTP port (0: any free port)
 * @param kms              KMS base URL whose link status the relay follows, if any
 * @param insecure         serve plain {@code ws://} without device tokens, on any address (no TLS)
 * @param limits           resource limits
 * @param linkWaitSeconds  long-poll duration asked of the KMS
 */
public record RelaySettings(String bind, int port, Optional<URI> kms, boolean insecure, RelayLimits limits,
                            int linkWaitSeconds) {

    public static final int DEFAULT_PORT = 8765;

    public RelaySettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        if (linkWaitSeconds < 1 || linkWaitSeconds > 60) {
            throw new IllegalArgumentException("link wait must be 1-60 seconds, was " + linkWaitSeconds);
        }
        kms = kms == null ? Optional.empty() : kms;
    }

    /** A relay on loopback, any free port, following no KMS, default limits: what tests start. */
    public static RelaySettings loopbackForTests() {
        return new RelaySettings("127.0.0.1", 0, Optional.empty(), false, RelayLimits.DEFAULT, 25);
    }

    public RelaySettings withKms(URI kmsUrl) {
        return new RelaySettings(bind, port, Optional.of(kmsUrl), insecure, limits, linkWaitSeconds);
    }

    public RelaySettings withLimits(RelayLimits newLimits) {
        return new RelaySettings(bind, port, kms, insecure, newLimits, linkWaitSeconds);
    }

    /** The address actually bound: plain ws stays on loopback unless {@code --insecure}; wss listens everywhere. */
    String effectiveBind(boolean tls) {
        return bind != null ? bind : insecure || tls ? "0.0.0.0" : "127.0.0.1";
    }
}
