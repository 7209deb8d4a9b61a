package qstcs.bench.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import qstcs.server.common.CommandLine;

/**
 * The server of {@link RelayFloorBench}: a relay that does nothing but its system calls. One
 * thread, a {@link Selector} over non-blocking plain TCP sockets with {@code TCP_NODELAY}; it reads
 * each readable socket once into that socket's direct buffer, and for every whole fixed-size frame
 * in it writes the frame to the paired socket ({@code --writes 1} or 2) and a 40-byte ack back to
 * the sender ({@code --writes 2}). No TLS, no WebSocket, no routing: what is left is the cost of
 * the wake-ups, reads and writes a relay cannot avoid.
 *
 * <p>Each client first sends its socket's index (4 bytes, big-endian): sockets {@code 2k} and
 * {@code 2k+1} are pair {@code k}. A frame starts with its pair's sequence number (8 bytes), which
 * the ack carries back. {@code --pause MICROS}: after a round that found traffic, sleep that long,
 * then take what arrived meanwhile without waiting ({@code selectNow}), as the real relay's
 * {@code app.wake-pause-micros} does. Prints {@code null relay listening on 127.0.0.1:PORT} when
 * it listens, and exits once every client has closed.
 *
 * <p>Usage (the bench starts it): {@code NullRelay --pairs N --frame BYTES --writes 0|1|2 --pause MICROS}.
 */
public final class NullRelay {

    /** The ack's size: its first 8 bytes are the acknowledged frame's sequence number. */
    static final int ACK_BYTES = 40;
    /** The loop thread's name, for its sleeps in {@code /proc/PID/task} (at most 15 characters). */
    static final String LOOP_THREAD = "null-relay-loop";

    private final int frame;
    private final int writes;
    private final long pauseNanos;
    private final Selector selector;
    private final ByteBuffer ack = ByteBuffer.allocateDirect(ACK_BYTES);
    private int open;
    private long partialWrites;

    /** One accepted client socket. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer in;
        /** A view of {@link #in} for writing one frame of it (no allocation per frame). */
        final ByteBuffer view;
        Conn peer;

        Conn(SocketChannel channel, int frame) {
            this.channel = channel;
            this.in = ByteBuffer.allocateDirect(Math.max(64 * 1024, 4 * frame));
            this.view = in.duplicate();
        }
    }

    private NullRelay(int frame, int writes, long pauseNanos) throws IOException {
        this.frame = frame;
        this.writes = writes;
        this.pauseNanos = pauseNanos;
        this.selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        CommandLine flags = CommandLine.parse(args, Set.of("pairs", "frame", "writes", "pause"), Set.of());
        int pairs = flags.integer("pairs", 1, 5000).orElse(100);
        int frame = flags.integer("frame", RelayFloorBench.MIN_FRAME, RelayFloorBench.MAX_FRAME)
                .orElse(RelayFloorBench.WSS_FRAME);
        int writes = flags.integer("writes", 0, 2).orElse(2);
        int pause = flags.integer("pause", 0, 100_000).orElse(0);
        NullRelay relay = new NullRelay(frame, writes, pause * 1000L);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2 * pairs);
            System.out.println("null relay listening on 127.0.0.1:" + server.socket().getLocalPort());
            System.out.flush();
            relay.accept(server, pairs);
        }
        Thread loop = Thread.ofPlatform().name(LOOP_THREAD).start(() -> {
            try {
                relay.run();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        loop.join();
        System.out.println("null relay done; partial writes (spun until complete): " + relay.partialWrites);
    }

    /** Accepts both sockets of every pair (blocking), each introduced by its index. */
    private void accept(ServerSocketChannel server, int pairs) throws IOException {
        Conn[] conns = new Conn[2 * pairs];
        for (int n = 0; n < conns.length; n++) {
            SocketChannel ch = server.accept();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer hello = ByteBuffer.allocate(4);
            while (hello.hasRemaining()) {
                if (ch.read(hello) < 0) {
                    throw new IOException("a client closed before saying which socket it is");
                }
            }
            int index = hello.getInt(0);
            if (index < 0 || index >= conns.length || conns[index] != null) {
                throw new IOException("bad socket index " + index);
            }
            conns[index] = new Conn(ch, frame);
        }
        for (int i = 0; i < conns.length; i++) {
            conns[i].peer = conns[i ^ 1];
            conns[i].channel.configureBlocking(false);
            conns[i].channel.register(selector, SelectionKey.OP_READ, conns[i]);
        }
        open = conns.length;
    }

    private void run() throws IOException {
        while (open > 0) {
            int ready = selector.select(this::ready);
            while (pauseNanos > 0 && ready > 0 && open > 0) {
                LockSupport.parkNanos(pauseNanos);
                ready = selector.selectNow(this::ready);
            }
        }
        selector.close();
    }

    /** One read of a readable socket; each whole frame read is forwarded and acknowledged. */
    private void ready(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            int n = c.channel.read(c.in);
            if (n < 0) {
                key.cancel();
                c.channel.close();
                open--;
                return;
            }
            ByteBuffer in = c.in;
            int end = in.position();
            int p = 0;
            for (; p + frame <= end; p += frame) {
                if (writes >= 1) {
                    ByteBuffer v = c.view;
                    v.clear();
                    v.position(p).limit(p + frame);
                    writeFully(c.peer.channel, v);
                }
                if (writes == 2) {
                    ack.clear();
                    ack.putLong(0, in.getLong(p));
                    writeFully(c.channel, ack);
                }
            }
            in.flip().position(p);
            in.compact();
        } catch (IOException e) {
            // A client went away mid-write: the run is over for this socket.
            key.cancel();
            open--;
        }
    }

    /** Writes all of {@code b}; a full socket is waited out by spinning (counted, printed at the end). */
    private void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (true) {
            ch.write(b);
            if (!b.hasRemaining()) {
                return;
            }
            partialWrites++;
            Thread.onSpinWait();
        }
    }
}
