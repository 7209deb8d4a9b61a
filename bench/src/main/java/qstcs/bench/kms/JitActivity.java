package qstcs.bench.kms;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * How busy a HotSpot JVM's JIT compilers are, read from the JVM's performance counters file
 * ({@code hsperfdata_<user>/<pid>} in the temporary directory, the file {@code jstat} reads):
 * {@code java.ci.totalTime}, the time compiler threads have spent compiling, in ticks of
 * {@code sun.os.hrt.frequency}.
 *
 * <p>Why the bench needs it: on this 2-core machine the KMS's JIT keeps compiling (TLS, Helidon's
 * HTTP/1 path, our handler) for 20–40 s of load, and the load generator's JIT competes too; a
 * phase measured while that runs reports the compilers, not the server (replies per second
 * rose 4× within one 8 s phase). Warm-up therefore lasts until the compilers are nearly idle.
 */
final class JitActivity {
    private static final int MAGIC = 0xcafec0c0;

    private final Path file;
    private long lastTicks = -1;
    private long lastNanos;

    private JitActivity(Path file) {
        this.file = file;
    }

    /** The counters of process {@code pid}, if this JVM can see them. */
    static JitActivity of(long pid) {
        return new JitActivity(Path.of(System.getProperty("java.io.tmpdir"),
                "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid)));
    }

    /**
     * Share of wall-clock time the JIT compilers spent compiling since the previous call (1.0 =
     * one compiler thread busy all the time; up to the number of compiler threads), or empty on
     * the first call or when the counters cannot be read.
     */
    OptionalDouble busySinceLastCall() {
        long now = System.nanoTime();
        long[] v = read("java.ci.totalTime", "sun.os.hrt.frequency");
        if (v == null || v[1] <= 0) {
            return OptionalDouble.empty();
        }
        long before = lastTicks;
        long beforeNanos = lastNanos;
        lastTicks = v[0];
        lastNanos = now;
        if (before < 0 || now == beforeNanos) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((v[0] - before) / (double) v[1] / ((now - beforeNanos) / 1e9));
    }

    /** The long counters named, in order, or null when the file or a counter is missing. */
    private long[] read(String... names) {
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException | SecurityException e) {
            return null;
        }
        if (b.remaining() < 32 || b.getInt(0) != MAGIC) {
            return null;
        }
        b.order(b.get(4) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int entry = b.getInt(24);
        int entries = b.getInt(28);
        long[] values = new long[names.length];
        int found = 0;
        for (int e = 0; e < entries && entry + 20 <= b.limit(); e++) {
            int length = b.getInt(entry);
            int nameOffset = b.getInt(entry + 4);
            int vectorLength = b.getInt(entry + 8);
            byte type = b.get(entry + 12);
            int dataOffset = b.getInt(entry + 16);
            if (length <= 0) {
                break;
            }
            if (type == 'J' && vectorLength == 0) {
                String name = cString(b, entry + nameOffset);
                for (int n = 0; n < names.length; n++) {
                    if (names[n].equals(name)) {
                        values[n] = b.getLong(entry + dataOffset);
                        found++;
                    }
                }
            }
            entry += length;
        }
        return found == names.length ? values : null;
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.US_ASCII);
    }
}
