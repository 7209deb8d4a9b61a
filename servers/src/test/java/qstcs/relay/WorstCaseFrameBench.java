package qstcs.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long the relay's header scanner takes for the worst frames an attacker can send: 64 KiB
 * objects stuffed with distinct keys (plain, escaped, and with colliding String hash codes).
 * Prints microseconds per frame and the scanner's key probes. Run (after {@code ./qstcs test}
 * or {@code mvn -pl servers -am test-compile}):
 * {@code java -cp servers/target/test-classes:servers/target/classes:$(cat servers/target/test-classpath.txt) qstcs.relay.WorstCaseFrameBench}
 */
public final class WorstCaseFrameBench {
    private WorstCaseFrameBench() {
    }

    public static void main(String[] args) {
        List<String> plain = new ArrayList<>();
        for (int k = 0; plain.size() < 6_000; k++) {
            plain.add("k" + k);
        }
        List<String> colliding = new ArrayList<>();
        for (int k = 0; colliding.size() < 2_048; k++) {
            StringBuilder b = new StringBuilder();
            for (int bit = 0; bit < 11; bit++) {
                b.append((k >> bit & 1) == 0 ? "Aa" : "BB");
            }
            colliding.add(b.toString());
        }
        List<String> escaped = plain.subList(0, 3_000).stream().map(k -> "\\u006b" + k.substring(1)).toList();
        String chat = "{\"type\":\"chat\",\"id\":\"m1\",\"sender\":\"a\",\"recipient\":\"b\",\"ciphertext\":\""
                + "ab".repeat(29_000) + "\"}";
        String[][] cases = {{"58 KB chat frame (baseline)", chat}, {"6,000 plain keys", frame(plain)},
            {"2,048 keys, one hash code", frame(colliding)}, {"3,000 escaped keys", frame(escaped)}};
        for (String[] c : cases) {
            for (int warm = 0; warm < 2_000; warm++) {
                new HeaderScanner(c[1]).scan();
            }
            int runs = 500;
            long start = System.nanoTime();
            int probes = 0;
            for (int r = 0; r < runs; r++) {
                HeaderScanner s = new HeaderScanner(c[1]);
                s.scan();
                probes = s.keyProbes;
            }
            double micros = (System.nanoTime() - start) / 1e3 / runs;
            System.out.printf(Locale.ROOT, "%-28s %6d chars  %8.1f µs/frame  %6d key probes%n", c[0], c[1].length(),
                    micros, probes);
        }
    }

    private static String frame(List<String> keys) {
        StringBuilder b = new StringBuilder("{\"type\":\"ping\"");
        for (String k : keys) {
            b.append(",\"").append(k).append("\":0");
        }
        return b.append('}').toString();
    }
}
