package qstcs.relay;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.server.common.CommandLine.UsageException;
import qstcs.server.http.ConnectionGate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line over the YAML settings: flags win. */
class RelayOptionsTest {

    @TempDir
    Path home;

    /** Parses with {@code --home} pointing at a fresh directory, unless the arguments name one. */
    private RelaySettings parse(String... args) {
        String[] withHome = new String[args.length + 2];
        withHome[0] = "--home";
        withHome[1] = home.toString();
        System.arraycopy(args, 0, withHome, 2, args.length);
        return RelayOptions.parse(withHome).settings();
    }

    @Test
    void defaultsComeFromTheBundledYaml() {
        RelaySettings s = parse();
        assertEquals(8765, s.port());
        assertEquals("127.0.0.1", s.effectiveBind(false));
        assertEquals("0.0.0.0", s.effectiveBind(true), "wss listens on every interface by default");
        assertEquals(Optional.of(URI.create("http://127.0.0.1:8000")), s.kms());
        assertEquals(RelayLimits.DEFAULT, s.limits());
    }

    @Test
    void theEventLoopIsTheDefaultIoAndHelidonStaysSelectable() {
        assertEquals(RelaySettings.Io.LOOP, parse().io());
        assertEquals(RelaySettings.Io.HELIDON, parse("--io", "helidon").io());
        assertEquals(RelaySettings.Io.LOOP, parse("--io", "loop").io());
        UsageException e = assertThrows(UsageException.class, () -> parse("--io", "epoll"));
        assertTrue(e.getMessage().contains("loop or helidon"), e.getMessage());
    }

    @Test
    void theEventLoopsPauseIsASettingWithABound() throws Exception {
        assertEquals(Duration.ZERO, parse().wakePause(), "off unless asked for");
        Path dir = Files.createDirectories(home.resolve("relay"));
        Files.writeString(dir.resolve("application.yaml"), "app:\n  wake-pause-micros: 300\n");
        assertEquals(Duration.ofNanos(300_000), parse().wakePause());
        Files.writeString(dir.resolve("application.yaml"), "app:\n  wake-pause-micros: 5000\n");
        UsageException e = assertThrows(UsageException.class, () -> parse());
        assertTrue(e.getMessage().contains("wake-pause-micros must be 0-2000"), e.getMessage());
    }

    @Test
    void homeYamlOverridesDefaultsAndFlagsOverrideBoth() throws Exception {
        Path dir = Files.createDirectories(home.resolve("relay"));
        Files.writeString(dir.resolve("application.yaml"), """
                server:
                  port: 9999
                app:
                  kms-url: off
                  limits:
                    queue-frames: 7
                    queue-ttl: PT30S
                    open-per-address: 3000
                    pending-per-address: 40
                    pending-per-listener: 300
                    silent-deadline: PT1.5S
                """);
        RelaySettings fromYaml = parse("--insecure");
        assertEquals(9999, fromYaml.port());
        assertEquals(Optional.empty(), fromYaml.kms());
        assertEquals(7, fromYaml.limits().queueFrames());
        assertEquals(Duration.ofSeconds(30), fromYaml.limits().queueTtl());
        assertEquals(RelayLimits.DEFAULT.maxFrameBytes(), fromYaml.limits().maxFrameBytes());
        // The connection limits reach the gate; its head deadline stays the default; the bound on
        // unfinished connections stays under three quarters of the listener's cap.
        assertEquals(new ConnectionGate.Limits(ConnectionGate.Limits.DEFAULT.headerDeadline(), 40, 3000, 300,
                Duration.ofMillis(1500), 5000), fromYaml.limits().gate(5000));
        assertEquals(new ConnectionGate.Limits(ConnectionGate.Limits.DEFAULT.headerDeadline(), 40, 3000, 150,
                Duration.ofMillis(1500), 200), fromYaml.limits().gate(200));
        assertEquals(0, fromYaml.limits().maxConnections(), "the cap comes from the heap unless set");

        RelaySettings flags = parse("--port", "0", "--kms=http://kms.example:8000", "--insecure", "--bind", "10.0.0.2");
        assertEquals(0, flags.port());
        assertEquals(Optional.of(URI.create("http://kms.example:8000")), flags.kms());
        assertEquals("10.0.0.2", flags.effectiveBind(false));
        assertTrue(flags.insecure());
        assertEquals("0.0.0.0", parse("--insecure").effectiveBind(false));
    }

    @Test
    void theConnectionCapComesFromTheHeapUnlessTheYamlOrTheFlagSetsIt() throws Exception {
        assertEquals(0, parse().limits().maxConnections());
        assertEquals(RelayServer.budget(RelaySettings.Io.LOOP).capPerListener(),
                RelayServer.connectionCap(parse()));
        assertEquals(RelayServer.budget(RelaySettings.Io.HELIDON).capPerListener(),
                RelayServer.connectionCap(parse("--io", "helidon")));
        Path dir = Files.createDirectories(home.resolve("relay"));
        Files.writeString(dir.resolve("application.yaml"), "app:\n  limits:\n    max-connections: 700\n");
        assertEquals(700, RelayServer.connectionCap(parse()));
        assertEquals(90, RelayServer.connectionCap(parse("--max-connections", "90")), "the flag wins");
        assertTrue(assertThrows(UsageException.class, () -> parse("--max-connections", "0"))
                .getMessage().contains("--max-connections"));
        Files.writeString(dir.resolve("application.yaml"), "app:\n  limits:\n    max-connections: -3\n");
        assertTrue(assertThrows(UsageException.class, this::parse).getMessage().contains("max-connections"));
    }

    @Test
    void theBudgetForLentBuffersIsAQuarterOfTheHeapUnlessTheYamlSetsIt() throws Exception {
        assertEquals(0, parse().limits().lentBytes());
        assertEquals(Runtime.getRuntime().maxMemory() / 4, RelayServer.lentBudget(parse().limits()));
        Path dir = Files.createDirectories(home.resolve("relay"));
        Files.writeString(dir.resolve("application.yaml"), "app:\n  limits:\n    lent-bytes: 1048576\n");
        assertEquals(1_048_576, RelayServer.lentBudget(parse().limits()));
        Files.writeString(dir.resolve("application.yaml"), "app:\n  limits:\n    lent-bytes: -1\n");
        assertTrue(assertThrows(UsageException.class, this::parse).getMessage().contains("lent-bytes"));
    }

    @Test
    void homeFlagPicksTheSettingsDirectory(@TempDir Path other) throws Exception {
        Files.createDirectories(other.resolve("relay"));
        Files.writeString(other.resolve("relay/application.yaml"), "server:\n  port: 7000\n");
        assertEquals(7000, parse("--home", other.toString()).port());
        assertEquals(other.toAbsolutePath().normalize(), RelayOptions.parse(new String[] {"--home", other.toString()}).home());
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertTrue(assertThrows(UsageException.class, () -> parse("--port", "eighty"))
                .getMessage().contains("--port"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--port", "70000"))
                .getMessage().contains("port"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--kms", "ftp://x"))
                .getMessage().contains("--kms"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--bogus"))
                .getMessage().contains("--bogus"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--kms"))
                .getMessage().contains("--kms"));
    }

    @Test
    void tokenChecksNeedAKmsAndTheTlsUrlFollowsIt() {
        assertTrue(assertThrows(UsageException.class, () -> parse("--kms", "off"))
                .getMessage().contains("--insecure"));
        RelayOptions.Parsed p = RelayOptions.parse(new String[] {"--home", home.toString(), "--kms", "http://10.0.0.5:8000",
                "--san", "relay.lan, 10.0.0.6", "--tls-cert", "relay.pem"});
        assertEquals(Optional.of(URI.create("https://10.0.0.5:8443")), p.kmsTls());
        assertEquals(java.util.List.of("relay.lan", "10.0.0.6"), p.sans());
        assertEquals(Optional.of(Path.of("relay.pem")), p.tlsCert());
        assertEquals(Optional.of(URI.create("https://kms.lan:9443")), RelayOptions.parse(new String[] {"--home",
                home.toString(), "--kms-tls", "https://kms.lan:9443"}).kmsTls());
        assertTrue(assertThrows(UsageException.class, () -> parse("--kms-tls", "http://kms.lan:8000"))
                .getMessage().contains("--kms-tls"));
    }

    @Test
    void helpIsRecognised() {
        assertTrue(RelayOptions.parse(new String[] {"--help"}).help());
        assertTrue(RelayOptions.USAGE.contains("--kms URL"));
    }

    @Test
    void plainWsBeyondLoopbackNeedsInsecure() throws Exception {
        RelaySettings s = new RelaySettings("0.0.0.0", 0, Optional.empty(), false, RelayLimits.DEFAULT, 25);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RelayServer.start(s));
        assertTrue(e.getMessage().contains("--insecure"));
    }

    @Test
    void clusterTakesANatsUrlAndANodeName() {
        RelaySettings s = parse("--insecure", "--cluster", "nats://10.0.0.9:4222", "--node", "relay-east");
        assertEquals(URI.create("nats://10.0.0.9:4222"), s.cluster().orElseThrow().nats());
        assertEquals("relay-east", s.cluster().orElseThrow().node());
        assertTrue(parse("--insecure", "--cluster", "nats://10.0.0.9:4222").cluster().orElseThrow().node()
                .matches("[A-Za-z0-9][A-Za-z0-9_-]*"), "a default node name that NATS subjects accept");
        assertTrue(parse("--insecure").cluster().isEmpty(), "without --cluster the relay stands alone");
        assertTrue(assertThrows(UsageException.class, () -> parse("--insecure", "--cluster", "http://x:4222"))
                .getMessage().contains("nats://"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--insecure", "--node", "a"))
                .getMessage().contains("--cluster"));
        assertThrows(UsageException.class, () -> parse("--insecure", "--cluster", "nats://x:4222", "--node", "a.b"));
    }
}
