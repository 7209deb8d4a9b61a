package qstcs.chat;

import java.nio.file.Path;
import java.util.Optional;
import qstcs.client.ClientConfig;
import qstcs.client.KmeEndpoint;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.identity.IdentityAlgorithm;

/**
 * The command line of {@code ./qstcs chat}: {@code --device ID [--peer ID]
 * [--home DIR] [--kms URL] [--relay URL] [--enroll STRING] [--pqc] [--fresh-history] [--hybrid-identity]}. Without {@code --device}
 * the window opens on its join view; with it, it joins at once (the demo needs no typing).
 */
public record ChatOptions(Optional<String> device, Optional<String> peer, Path home, String kmsUrl, String relayUrl,
                          Optional<String> enroll, boolean pqc, boolean enrollOnly, Optional<KmeEndpoint> kme,
                          ChatTheme theme, boolean freshHistory, IdentityAlgorithm identityAlgorithm) {

    static final String USAGE = """
            Usage: ./qstcs chat --device ID [--peer ID] [--home DIR] [--kms URL] [--relay URL]
                                [--enroll STRING [--enroll-only]] [--pqc] [--theme dark|light]
                                [--fresh-history] [--hybrid-identity]
                                [--key-source etsi014 --kme URL --sae-cert FILE.pem --ca FILE]

            Opens the soldier's chat window. End-to-end encrypted with AES-256-GCM keys from the
            KMS, which draws them from a (classically simulated) BB84 quantum link.

              --device ID       this device's id, e.g. Soldier_Alpha (without it: the join view asks)
              --peer ID         the contact to open, e.g. Soldier_Bravo
              --home DIR        state directory (default $QSTCS_HOME or ~/.qstcs)
              --kms URL         key service (default https://localhost:8443); an enrolled
                                device uses the address saved at enrollment
              --relay URL[,URL...]  relay (default wss://localhost:8765); an enrolled device
                                uses the relays saved at enrollment (all of a cluster's when
                                the KMS named several). Several URLs typed replace the saved
                                ones: the chat moves to the next when its relay is lost
              --enroll STRING   enrollment string qstcs://… from the operator (./qstcs enroll ID)
              --enroll-only     with --enroll: save the device's credentials and exit without a
                                window (to prepare a machine before handing it over)
              --pqc             add the ML-KEM-768 hybrid handshake on top of the QKD key
              --fresh-history   start with an empty conversation: this device's stored
                                history, undelivered messages included, is deleted first
                                (./qstcs demo does this unless given --keep-history)
              --hybrid-identity  a new device's identity key is ML-DSA-65 and Ed25519
                                together (both sign, both must verify) instead of ML-DSA-65
                                alone; an existing identity key is kept as it is
              --theme dark|light  colours (default dark, like the SOC console); Ctrl+T switches,
                                Ctrl++ / Ctrl+- / Ctrl+0 zoom the text
              --key-source etsi014  take pair keys from an ETSI GS QKD 014 KME (any vendor's,
                                or this KMS's /api/v1/keys routes) instead of the KMS's key routes:
                --kme URL       the KME, https://HOST:PORT
                --sae-cert FILE this device's SAE key + certificate chain (PEM; CN = device id)
                --ca FILE       the CA certificate(s) that sign the KME's server certificate
                                (the relay, device token and link watch stay QSTCS)
            Window placement: -Dqstcs.window=X,Y,W,H (set through QSTCS_JAVA_OPTS).
            """;

    /** Parses the arguments; the exception message says what is wrong in words for the terminal. */
    public static ChatOptions parse(String... args) {
        String device = null;
        String peer = null;
        String home = null;
        String kms = ClientConfig.DEFAULT_KMS_URL;
        String relay = ClientConfig.DEFAULT_RELAY_URL;
        String enroll = null;
        boolean pqc = false;
        boolean enrollOnly = false;
        boolean freshHistory = false;
        IdentityAlgorithm identity = IdentityAlgorithm.ML_DSA_65;
        ChatTheme theme = ChatTheme.DARK;
        String keySource = "qstcs";
        String kme = null;
        String saeCert = null;
        String ca = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--device" -> device = ClientConfig.checkDeviceId(value(args, ++i, a));
                case "--peer" -> peer = ClientConfig.checkDeviceId(value(args, ++i, a));
                case "--home" -> home = value(args, ++i, a);
                case "--kms" -> kms = value(args, ++i, a);
                case "--relay" -> relay = value(args, ++i, a);
                case "--enroll" -> enroll = value(args, ++i, a);
                case "--pqc" -> pqc = true;
                case "--enroll-only" -> enrollOnly = true;
                case "--fresh-history" -> freshHistory = true;
                case "--hybrid-identity" -> identity = IdentityAlgorithm.ML_DSA_65_ED25519;
                case "--theme" -> theme = ChatTheme.parse(value(args, ++i, a));
                case "--key-source" -> keySource = value(args, ++i, a);
                case "--kme" -> kme = value(args, ++i, a);
                case "--sae-cert" -> saeCert = value(args, ++i, a);
                case "--ca" -> ca = value(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
            }
        }
        if (enrollOnly && enroll == null) {
            throw new IllegalArgumentException("--enroll-only needs --enroll STRING");
        }
        Optional<KmeEndpoint> endpoint = switch (keySource) {
            case "qstcs" -> {
                if (kme != null || saeCert != null || ca != null) {
                    throw new IllegalArgumentException("--kme, --sae-cert and --ca go with --key-source etsi014");
                }
                yield Optional.empty();
            }
            case "etsi014" -> {
                if (kme == null || saeCert == null || ca == null) {
                    throw new IllegalArgumentException("--key-source etsi014 needs --kme URL, --sae-cert FILE and --ca FILE");
                }
                try {
                    yield Optional.of(KmeEndpoint.read(kme, Path.of(saeCert), Path.of(ca)));
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("--key-source must be qstcs or etsi014, not '" + keySource + "'");
        };
        ClientConfig.parseKmsUrl(kms);
        ClientConfig.parseRelayUrls(relay);
        Path homeDir = StateHome.resolve(Optional.ofNullable(home)).root();
        return new ChatOptions(Optional.ofNullable(device), Optional.ofNullable(peer), homeDir, kms, relay,
                Optional.ofNullable(enroll), pqc, enrollOnly, endpoint, theme, freshHistory, identity);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value (see --help)");
        }
        return args[i];
    }
}
