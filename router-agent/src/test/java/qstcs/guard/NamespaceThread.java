package qstcs.guard;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JVM thread moved into a network namespace with {@code setns(2)} (through the FFM API).
 * Linux keeps the network namespace per thread and fixes a socket's namespace when the socket is
 * created, so a socket opened on this thread talks from inside the namespace even when another
 * thread (an OkHttp dispatcher, say) later connects and uses it. This lets the test's own
 * WebSocket and HTTP clients sit in the client namespace without a JVM per request.
 */
final class NamespaceThread implements AutoCloseable {
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final MethodHandle OPEN;
    private static final MethodHandle SETNS;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        OPEN = linker.downcallHandle(libc.find("open").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        SETNS = linker.downcallHandle(libc.find("setns").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final String namespace;
    private final ExecutorService thread;

    NamespaceThread(String namespace) {
        this.namespace = namespace;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + namespace);
            t.setDaemon(true);
            return t;
        });
        call(() -> {
            enter(namespace);
            return null;
        });
    }

    private static void enter(String namespace) throws Exception {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = invokeInt(OPEN, arena.allocateFrom("/run/netns/" + namespace), O_RDONLY_CLOEXEC);
        }
        if (fd < 0) {
            throw new IOException("cannot open /run/netns/" + namespace);
        }
        try {
            if (invokeInt(SETNS, fd, CLONE_NEWNET) != 0) {
                throw new IOException("setns into " + namespace + " failed (root needed)");
            }
        } finally {
            invokeInt(CLOSE, fd);
        }
    }

    private static int invokeInt(MethodHandle h, Object... args) throws Exception {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * A new, unconnected TCP socket that belongs to this namespace. A channel's socket is created
     * when the channel opens (a plain {@code new Socket()} would create its descriptor lazily, on
     * whichever thread connects).
     */
    Socket newSocket() {
        return call(() -> SocketChannel.open().socket());
    }

    <T> T call(Callable<T> task) {
        try {
            return thread.submit(task).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("in namespace " + namespace + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
