package qstcs.kms;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import qstcs.crypto.qkd.QkdRandom;
import qstcs.server.common.CommandLine;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code --bind 127.0.0.1} must hold for BOTH listeners even when the configuration (as the
 * shipped application.yaml does) names 0.0.0.0 for the TLS socket: the TLS port must not answer
 * on another interface's address.
 */
class BindAddressIT {

    @Test
    void bindFlagWinsOverTheConfiguredTlsHost() throws Exception {
        InetAddress other = nonLoopbackAddress().orElse(null);
        Assumptions.assumeTrue(other != null, "no non-loopback IPv4 address on this machine");
        Path home = Files.createTempDirectory("qstcs-kms-bind");
        Config config = Config.just(ConfigSources.create(Map.of(
                "server.host", "0.0.0.0",
                "server.port", "0",
                "server.sockets.0.name", KmsServer.TLS_SOCKET,
                "server.sockets.0.host", "0.0.0.0",
                "server.sockets.0.port", "0")));
        String[] args = {"--home", home.toString(), "--bind", "127.0.0.1", "--port", "0", "--tls-port", "0"};
        KmsSettings settings = KmsSettings.from(config, CommandLine.parse(args, Main.valueFlags(), Set.of()));
        try (Kms kms = Kms.open(settings, InstantSource.system(), QkdRandom.secure())) {
            WebServerConfig.Builder b = WebServer.builder().config(config.get("server")).shutdownHook(false);
            KmsServer.setup(b, kms, kms.identity().serverIdentity().tls());
            WebServer server = b.build().start();
            try {
                int tls = server.port(KmsServer.TLS_SOCKET);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tls), 2000); // serves on loopback
                }
                assertThrows(ConnectException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other, tls), 2000);
                    }
                }, "the TLS port answered on " + other.getHostAddress() + " despite --bind 127.0.0.1");
                assertThrows(ConnectException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other, server.port()), 2000);
                    }
                }, "the plain port answered on " + other.getHostAddress() + " despite --bind 127.0.0.1");
            } finally {
                server.stop();
            }
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
    }
}
