package qstcs.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.home.StateHome;

/**
 * A long-lived service credential (operator, router or relay) kept in a 0600 file under
 * {@code $QSTCS_HOME/kms/} and created on first start, or given by an environment variable
 * (which then wins, and no file is written). The KMS keeps only its hash.
 */
public final class ServiceToken {

    /** File names under the KMS state directory, and the environment variables that override them. */
    public static final String OPERATOR_FILE = "operator.token";
    public static final String OPERATOR_ENV = "QSTCS_OPERATOR_TOKEN";
    public static final String ROUTER_FILE = "router.token";
    public static final String ROUTER_ENV = "QSTCS_ROUTER_TOKEN";
    public static final String RELAY_FILE = "relay.token";
    public static final String RELAY_ENV = "QSTCS_RELAY_TOKEN";

    private final Role role;
    private final byte[] hash;
    private final String source;

    private ServiceToken(Role role, byte[] hash, String source) {
        this.role = role;
        this.hash = hash;
        this.source = source;
    }

    /**
     * The token for {@code role}: {@code envValue} if present (at least 32 characters), else the
     * content of {@code file}, created with a new random token if missing or empty.
     */
    public static ServiceToken loadOrCreate(Role role, Path file, Optional<String> envValue) throws IOException {
        Objects.requireNonNull(role, "role");
        Optional<String> env = envValue.map(String::strip).filter(s -> !s.isEmpty());
        if (env.isPresent()) {
            if (env.get().length() < 32) {
                throw new IOException("the " + role.name().toLowerCase() + " token from the environment is too short"
                        + " (at least 32 characters; 64 hex digits recommended)");
            }
            return new ServiceToken(role, BearerTokens.hash(env.get()), "environment");
        }
        String token = read(file).orElse(null);
        if (token == null) {
            token = BearerTokens.newToken();
            Files.writeString(StateHome.privateFile(file.toAbsolutePath()), token + "\n", StandardCharsets.US_ASCII);
        }
        return new ServiceToken(role, BearerTokens.hash(token), file.toString());
    }

    /** Reads a token file (trimmed); empty when missing or blank. For clients on the same machine. */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** For tests and embedded use: a token given directly. */
    public static ServiceToken of(Role role, String token) {
        return new ServiceToken(role, BearerTokens.hash(token), "given");
    }

    public Role role() {
        return role;
    }

    /** Constant-time comparison of the presented token's hash with the stored hash. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(hash, BearerTokens.hash(presented));
    }

    /** The same check for a token already hashed with {@link BearerTokens#hash}. */
    public boolean matchesHash(byte[] presentedHash) {
        return presentedHash != null && MessageDigest.isEqual(hash, presentedHash);
    }

    @Override
    public String toString() {
        return "ServiceToken[" + role + " from " + source + "]";
    }
}
