package qstcs.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The operator credential sent on operator routes: taken from
 * {@code QSTCS_OPERATOR_TOKEN} if set, else from {@code $QSTCS_HOME/kms/operator.token}.
 * The KMS refuses operator routes without it (401). The value is never printed.
 */
public final class OperatorToken {
    public static final String ENV = "QSTCS_OPERATOR_TOKEN";
    private final String value;

    private OperatorToken(String value) {
        this.value = value;
    }

    /** The operator token from {@code env} or {@code home/kms/operator.token}, if either has one. */
    public static Optional<OperatorToken> load(Path home, Map<String, String> env) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new OperatorToken(fromEnv.strip()));
        }
        Path file = home.resolve("kms").resolve("operator.token");
        try {
            if (Files.isReadable(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                return text.isEmpty() ? Optional.empty() : Optional.of(new OperatorToken(text));
            }
        } catch (IOException e) {
            System.err.println("operator: cannot read " + file + " (" + e.getClass().getSimpleName()
                    + "); operator actions will be sent without a token");
        }
        return Optional.empty();
    }

    String authorizationHeader() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "OperatorToken[redacted]";
    }
}
