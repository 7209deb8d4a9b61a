package qstcs.server.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parsed {@code --name value} (or {@code --name=value}) flags of a server command. Only the
 * declared flags are accepted; anything else is a {@link UsageException} whose message says
 * which flag was wrong, so the launcher can print it above the usage text.
 */
public final class CommandLine {
    private final Map<String, String> values;
    private final boolean help;

    private CommandLine(Map<String, String> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    /** Thrown for an unknown flag, a missing or malformed value. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param valueFlags flag names (without dashes) that take a value
     * @param switches flag names that take none (present ⇒ "true")
     */
    public static CommandLine parse(String[] args, Set<String> valueFlags, Set<String> switches) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                values.put(name, "true");
            } else if (valueFlags.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                values.put(name, value);
            } else {
                throw new UsageException("unknown option '--" + name + "'");
            }
        }
        return new CommandLine(values, help);
    }

    public boolean help() {
        return help;
    }

    public Optional<String> string(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    public Optional<Integer> integer(String name, int min, int max) {
        return string(name).map(v -> {
            try {
                int n = Integer.parseInt(v.trim());
                if (n < min || n > max) {
                    throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
            }
        });
    }

    public Optional<Double> decimal(String name, double min, double max) {
        return string(name).map(v -> {
            try {
                double d = Double.parseDouble(v.trim());
                if (!(d >= min && d <= max)) {
                    throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
                }
                return d;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a number, got '" + v + "'");
            }
        });
    }

    /** All given flags, for turning them into configuration overrides. */
    public Map<String, String> values() {
        return Map.copyOf(values);
    }
}
