package qstcs.server.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What a server process holds on its heap: how the per-connection figures behind
 * {@link ConnectionBudget} are measured, by the tests that check them and by the benchmarks.
 */
public final class LiveHeap {

    private LiveHeap() {
    }

    /**
     * Bytes of live objects in process {@code pid}: {@code GC.class_histogram} runs a full
     * collection first. Filler arrays (dead space a collector left in place) are not live.
     */
    public static long of(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd failed:\n" + out);
        }
        long total = -1;
        long fillers = 0;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                total = Long.parseLong(f[2]);
            } else if (f.length >= 4 && f[0].endsWith(":") && f[3].contains("FillerElement")) {
                fillers += Long.parseLong(f[2]);
            }
        }
        if (total <= 0) {
            throw new IllegalStateException("no total in the class histogram:\n" + out);
        }
        return total - fillers;
    }
}
