package qstcs.bench.relay;

import java.time.Duration;
import java.util.Set;

import qstcs.server.common.CommandLine;

/**
 * {@code ./qstcs bench relay-floor [--pairs 100] [--rate 10000] [--seconds 6] [--writes 0|1|2]
 * [--pause MICROS] [--frame BYTES]}: what the system calls of relaying alone cost on this host.
 *
 * <p>A {@link NullRelay} (its own JVM, one thread, a selector over plain TCP sockets, fixed-size
 * frames, no TLS, no WebSocket, no routing) gets the steady phase of {@code ./qstcs bench relay}:
 * the same pairs, the same open-loop pacing ({@link FloorLoad}, which mirrors
 * {@link PairLoad#paced}), 3 s at the rate to warm up, then the measured run. Per frame it does
 * what the real relay cannot avoid: one read share, a write of the frame to the receiver
 * ({@code --writes 1}) and a 40-byte ack to the sender ({@code --writes 2}, the default).
 * {@code --pause} sleeps that many microseconds after a round that found traffic, as the real
 * relay's {@code --wake-pause}. The relay's CPU per message (user and kernel, from
 * {@code /proc/PID/stat}) and system calls per message ({@code /proc/PID/io}) are read exactly as
 * for the real relay ({@link ProcFigures}), so the two can be set side by side: the real relay's
 * figure minus this one is what TLS, WebSocket framing and routing add.
 *
 * <p>The default frame, {@value #WSS_FRAME} bytes, is what one of {@link PairLoad}'s chat frames
 * is on the wire from the sender over {@code wss://}, measured (the real relay's bytes read per
 * message in the steady phase, {@code rchar} of {@code /proc/PID/io}) and computed: 409 bytes of
 * JSON on average (a run number of one or two digits, pair indexes of one or two, sequence numbers
 * of up to three), a masked WebSocket header of 8 bytes (2, a 16-bit length, a 4-byte mask) and a
 * TLS 1.3 record's 38 (a 5-byte header, the content type byte, the 16 zero bytes of padding the
 * JDK puts in every record, a 16-byte AES-GCM tag). The relay forwards it with a 4-byte unmasked
 * header (451 bytes) and acks with 92 (the JSON ack is 52); the null relay forwards the frame as
 * it came and acks with 40. On loopback a write costs nearly the same for any of these sizes.
 */
public final class RelayFloorBench {

    /** PairLoad's chat frame on the wire from the sender over {@code wss://}, in bytes (see above). */
    static final int WSS_FRAME = 455;
    /** A frame holds at least its sequence number and its send time. */
    static final int MIN_FRAME = 16;
    static final int MAX_FRAME = 16 * 1024;

    private static final String USAGE = "Usage: ./qstcs bench relay-floor [--pairs 100] [--rate 10000] [--seconds 6]"
            + " [--writes 0|1|2] [--pause MICROS] [--frame BYTES]\n"
            + "The relay's floor: a null relay in its own JVM (one thread, a selector over plain TCP sockets,"
            + " no TLS, WebSocket or routing) under the steady load of ./qstcs bench relay.\n"
            + "--writes: per frame 0 = read only, 1 = also forward it, 2 = also a 40-byte ack to the sender (default);"
            + " --pause: after a round with traffic, sleep MICROS then take what arrived (default 0);"
            + " --frame: frame size in bytes (default " + WSS_FRAME + ", PairLoad's chat frame over wss://).";

    private RelayFloorBench() {
    }

    public static void main(String[] args) throws Exception {
        int pairs;
        int rate;
        Duration seconds;
        int writes;
        int pause;
        int frame;
        try {
            CommandLine flags = CommandLine.parse(args, Set.of("pairs", "rate", "seconds", "writes", "pause", "frame"),
                    Set.of());
            if (flags.help()) {
                System.out.println(USAGE);
                return;
            }
            pairs = flags.integer("pairs", 1, 5000).orElse(100);
            rate = flags.integer("rate", 1, 1_000_000).orElse(10_000);
            seconds = Duration.ofSeconds(flags.integer("seconds", 1, 600).orElse(6));
            writes = flags.integer("writes", 0, 2).orElse(2);
            pause = flags.integer("pause", 0, 100_000).orElse(0);
            frame = flags.integer("frame", MIN_FRAME, MAX_FRAME).orElse(WSS_FRAME);
        } catch (CommandLine.UsageException e) {
            // A mistyped option must not start a run that silently measures the defaults.
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }

        System.out.printf("Relay floor — %d cores, load average %s at start, null relay JVM options %s%n",
                Runtime.getRuntime().availableProcessors(), ProcFigures.loadAverage(), RelayProcess.LAUNCHER_JVM);
        System.out.println("(a null relay in its own JVM: one thread, a selector over plain TCP sockets with TCP_NODELAY;"
                + " no TLS, no WebSocket, no routing)");
        System.out.printf("per %d-byte frame: read%s%s; pause after a round with traffic: %s%n%n", frame,
                writes >= 1 ? ", write it to the paired socket" : " only",
                writes == 2 ? ", write a " + NullRelay.ACK_BYTES + "-byte ack to the sender" : "",
                pause == 0 ? "none" : pause + " µs");
        try (NullRelayProcess relay = new NullRelayProcess(pairs, frame, writes, pause)) {
            Result r;
            try (FloorLoad load = new FloorLoad(relay.port(), pairs, frame)) {
                r = measure(relay.proc(), load, rate, seconds, writes);
            }
            print(r, pairs, rate, seconds, writes);
            relay.awaitExit();
            relay.output().lines().filter(l -> l.contains("partial writes"))
                    .forEach(l -> System.out.println("  " + l));
        }
        System.out.printf("%nload average at end: %s%n", ProcFigures.loadAverage());
    }

    /** One measured run with the null relay's figures over it. */
    record Result(FloorLoad.Run run, long cpu, long sys, long jit, long gen, long[] io0, long[] io, long sleeps) {
    }

    /** 3 s at the rate to warm up, then the measured run. */
    static Result measure(ProcFigures relay, FloorLoad load, int rate, Duration seconds, int writes) throws Exception {
        load.paced(rate, Duration.ofSeconds(3), writes);
        long cpu0 = relay.cpuNanos();
        long sys0 = relay.systemCpuNanos();
        long jit0 = relay.compilerCpuNanos();
        long gen0 = RelayBench.generatorCpuNanos();
        long sleeps0 = relay.sleeps(NullRelay.LOOP_THREAD);
        long[] io0 = relay.syscalls();
        FloorLoad.Run run = load.paced(rate, seconds, writes);
        long cpu = relay.cpuNanos() - cpu0;
        long sys = relay.systemCpuNanos() - sys0;
        long jit = relay.compilerCpuNanos() - jit0;
        long gen = RelayBench.generatorCpuNanos() - gen0;
        long sleeps = relay.sleeps(NullRelay.LOOP_THREAD) - sleeps0;
        long[] io = relay.syscalls();
        return new Result(run, cpu, sys, jit, gen, io0, io, sleeps);
    }

    private static void print(Result r, int pairs, int rate, Duration seconds, int writes) {
        FloorLoad.Run run = r.run();
        double m = Math.max(1, run.sent());
        System.out.printf("floor       %,d msgs/s spread over %d pairs, %d s (after 3 s of warm-up at that rate)%n",
                rate, pairs, seconds.toSeconds());
        System.out.printf("  sent             %,d%n", run.sent());
        if (writes >= 1) {
            System.out.printf("  delivered        %,d (lost %,d, out of order %,d)%n",
                    run.received(), run.sent() - run.received(), run.outOfOrder());
            System.out.printf("  latency          p50 %.3f ms   p99 %.3f ms   p99.9 %.3f ms   max %.3f ms%n",
                    ms(run, 50), ms(run, 99), ms(run, 99.9), ms(run, 100));
        }
        if (writes == 2) {
            System.out.printf("  acks             %,d (lost %,d, out of order %,d)%n",
                    run.acks(), run.sent() - run.acks(), run.acksOutOfOrder());
        }
        System.out.printf("  relay CPU        %.1f µs per message (user %.1f, kernel %.1f), %.0f %% of one core"
                        + " (JIT compiler threads %.1f µs of it)%n",
                r.cpu() / 1000.0 / m, (r.cpu() - r.sys()) / 1000.0 / m, r.sys() / 1000.0 / m,
                r.cpu() * 100.0 / run.elapsed().toNanos(), r.jit() / 1000.0 / m);
        RelayBench.printSyscalls(r.io0(), r.io(), run.sent());
        System.out.printf("  loop sleeps      %.2f per message (voluntary context switches of %s)%n",
                r.sleeps() / m, NullRelay.LOOP_THREAD);
        System.out.printf("  generator CPU    %.1f µs per message%n", r.gen() / 1000.0 / m);
    }

    private static double ms(FloorLoad.Run run, double percentile) {
        return run.latencies().percentileMicros(percentile) / 1000.0;
    }
}
