package qstcs.kms;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Lowers the OS scheduling priority of the calling thread, for background work that must not
 * compete with request handling: the link loop's BB84 rounds burst for tens of milliseconds of
 * CPU every interval, and on a machine with few cores such a burst otherwise takes a whole core
 * from the threads answering key requests (the key route's p99 is where that shows).
 *
 * <p>On Linux a thread's nice value is its own ({@code setpriority(PRIO_PROCESS, 0, n)} applies
 * to the calling thread only, unlike POSIX's per-process nice), and any thread may raise its nice
 * value without privileges. Elsewhere, or when native calls are not allowed, nothing changes:
 * the priority is an optimisation, never a requirement.
 */
final class BackgroundPriority {
    private static final System.Logger LOG = System.getLogger(BackgroundPriority.class.getName());
    private static final int PRIO_PROCESS = 0;
    /** Nice value of background threads: CFS gives a nice-10 thread about a tenth of a nice-0 thread's share. */
    static final int BACKGROUND_NICE = 10;

    private BackgroundPriority() {
    }

    /**
     * Sets the calling platform thread's nice value to {@link #BACKGROUND_NICE}.
     *
     * @return whether the OS accepted it ({@code false} off Linux, on a virtual thread, or when
     *         native access is denied)
     */
    static boolean lowerCurrentThread() {
        return lowerCurrentThread(BACKGROUND_NICE);
    }

    static boolean lowerCurrentThread(int nice) {
        // A virtual thread moves between carrier threads; a nice value would stick to whichever
        // carrier it happened to run on.
        if (Thread.currentThread().isVirtual() || !isLinux()) {
            return false;
        }
        try {
            return (int) Native.SETPRIORITY.invokeExact(PRIO_PROCESS, 0, nice) == 0;
        } catch (Throwable e) { // no libc symbol, native access denied, …: run at normal priority
            LOG.log(System.Logger.Level.DEBUG, "cannot lower the thread priority: " + e);
            return false;
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }

    /** Looked up on first use only, so a platform without it never links anything. */
    private static final class Native {
        static final MethodHandle SETPRIORITY = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("setpriority").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }
}
