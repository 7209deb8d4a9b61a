package qstcs.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import qstcs.crypto.wire.CloseCode;

/**
 * One connection of the relay's event loop, from accept to close: TLS (when the relay serves
 * {@code wss://}), the request head, then RFC 6455 frames in and out. Only its
 * {@link SelectorLoop}'s thread reads and writes it; other threads queue frames through the
 * {@link ClientConnection.Wire} methods, which never block. Frames for the client are written at
 * the end of the loop's round; when the socket takes no more, they wait (bounded by the outbound
 * budget, as with the {@link Outbox}) until it is writable again. Buffers are borrowed from the
 * loop only while bytes are in flight: an idle connection holds none.
 */
final class LoopSocket implements ClientConnection.Wire {

    private static final System.Logger LOG = System.getLogger(LoopSocket.class.getName());
    /** How long a connection that sent its close waits for the client's end before it is closed. */
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Marks the end of an HTTP response: the output ends after it. */
    private static final Object END = new Object();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private enum State {
        /** TLS handshake (if any) and the request head. */
        HEAD,
        WEBSOCKET,
        /** Handed to the HTTP routes. */
        HTTP,
        /** A close was sent or is on its way; input is discarded. */
        CLOSING
    }

    private final SelectorLoop loop;
    private final SocketChannel channel;
    private final SSLEngine engine;
    private final SocketAddress remote;
    private final Switchboard switchboard;
    private final long budget;
    private final int maxKeep;
    private SelectionKey key;
    private int interest;
    private State state = State.HEAD;

    /** Buffers in write mode (data in [0, position)); null while empty. */
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private boolean processing;
    /** True while a register runs off the loop: this connection's input waits (its order is kept). */
    private boolean suspended;

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Frames taken from the queue, not yet encrypted or copied out (loop thread only). */
    private ArrayDeque<ByteBuffer> staged;
    /** Staged frames with a receipt, in order; null while there are none (loop thread only). */
    private ArrayDeque<Receipt> staging;
    /** Frames with a receipt wholly in {@code netOut}, waiting for the socket to take them; null while none. */
    private ArrayDeque<Receipt> unsent;
    /** Bytes the socket has taken so far (the end of {@code netOut} is at {@code sent + netOut.position()}). */
    private long sent;
    private volatile boolean discarded;
    private volatile boolean closing;
    private volatile Outbox.Close aside;
    private boolean closeStaged;
    private boolean outputShut;
    private boolean inputEnded;
    private boolean spoke;
    private long lastInput;
    private long lingerSince;

    private RelayEndpoint endpoint;
    private ClientConnection connection;
    private HttpHandOff handOff;

    // The frame being read.
    private boolean inFrame;
    private int opcode;
    private boolean fin;
    private long remaining;
    private int mask;
    private int maskAt;
    /** 1 text, 2 binary, 0 none: the message the frames belong to. */
    private int messageType;
    private byte[] message;
    private int messageLength;
    private boolean messageDropped;
    private byte[] control;
    private int controlLength;

    private LoopSocket(SelectorLoop loop, SocketChannel channel, SSLEngine engine, SocketAddress remote) {
        this.loop = loop;
        this.channel = channel;
        this.engine = engine;
        this.remote = remote;
        this.switchboard = loop.transport().switchboard();
        this.budget = switchboard.limits().outboundBytes();
        this.maxKeep = switchboard.limits().maxFrameBytes();
        this.lastInput = System.nanoTime();
    }

    /** Takes {@code ch} into {@code loop} (on its thread); {@code engine} null for plain ws. */
    static void open(SelectorLoop loop, SocketChannel ch, SSLEngine engine) {
        SocketAddress remote;
        try {
            remote = ch.getRemoteAddress();
        } catch (IOException e) {
            LoopTransport.closeQuietly(ch);
            return;
        }
        LoopSocket s = new LoopSocket(loop, ch, engine, remote);
        try {
            s.interest = SelectionKey.OP_READ;
            s.key = ch.register(loop.selector, SelectionKey.OP_READ, s);
            if (engine != null) {
                engine.beginHandshake();
            }
        } catch (IOException e) {
            s.closeNow();
        }
    }

    // --- the loop's calls -----------------------------------------------------------------------

    void ready(SelectionKey k) {
        try {
            if (!k.isValid()) {
                return;
            }
            int ops = k.readyOps();
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                writeOut();
                if (engine != null && state == State.HEAD && channel.isOpen()) {
                    unwrapAll();
                }
            }
            if ((ops & SelectionKey.OP_READ) != 0 && channel.isOpen() && !suspended) {
                readIn();
            }
        } catch (IOException | RuntimeException e) {
            // A reset, a TLS alert, a client that vanished: this connection ends, nothing else.
            LOG.log(Level.DEBUG, "relay connection {0} ended: {1}", remote, e.toString());
            closeNow();
        }
    }

    private void readIn() throws IOException {
        ByteBuffer target;
        if (engine != null) {
            if (netIn == null) {
                netIn = loop.take(this);
            }
            target = netIn;
        } else {
            if (appIn == null) {
                appIn = loop.take(this);
            }
            target = appIn;
        }
        if (!target.hasRemaining()) {
            closeNow(); // cannot happen: input is consumed after every read
            return;
        }
        int n = channel.read(target);
        if (n < 0) {
            inputEnded();
            return;
        }
        if (n > 0) {
            lastInput = System.nanoTime();
            if (!spoke) {
                // The gate cuts a connection that sends nothing soon after accept; this one spoke.
                spoke = true;
                loop.transport().gate().spoke(remote);
            }
        }
        if (engine != null) {
            unwrapAll();
        } else {
            process();
        }
        releaseEmpty();
    }

    /** Decrypts what arrived, driving the handshake; then reads the plaintext. */
    private void unwrapAll() throws IOException {
        while (channel.isOpen() && !suspended) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                continue;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (!wrapHandshake()) {
                    break;
                }
                continue;
            }
            if (netIn == null || netIn.position() == 0) {
                break;
            }
            if (appIn == null) {
                appIn = loop.take(this);
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    process();
                    return;
                }
                case BUFFER_OVERFLOW -> {
                    int before = appIn.position();
                    process();
                    if (appIn != null && appIn.position() == before && !suspended) {
                        throw new SSLException("TLS record larger than the relay's buffer");
                    }
                }
                case CLOSED -> {
                    process();
                    inputEnded();
                    return;
                }
                default -> {
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && r.getHandshakeStatus() != HandshakeStatus.NEED_TASK
                            && r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                        process();
                        return;
                    }
                }
            }
        }
        process();
    }

    /** Writes the engine's handshake bytes; false while the socket takes no more. */
    private boolean wrapHandshake() throws IOException {
        if (netOut == null) {
            netOut = loop.take(this);
        }
        SSLEngineResult r = engine.wrap(EMPTY, netOut);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            writeNet();
            closeNow();
            return false;
        }
        return writeNet();
    }

    /** Reads the plaintext in {@code appIn}: the head, then frames. */
    private void process() throws IOException {
        if (appIn == null || appIn.position() == 0) {
            return;
        }
        ByteBuffer in = appIn;
        in.flip();
        processing = true;
        try {
            while (in.hasRemaining() && channel.isOpen() && !suspended) {
                int before = in.remaining();
                switch (state) {
                    case HEAD -> readHead(in);
                    case WEBSOCKET -> readFrames(in);
                    case HTTP -> {
                        byte[] b = new byte[in.remaining()];
                        in.get(b);
                        handOff.forward(b);
                    }
                    case CLOSING -> in.position(in.limit());
                }
                if (in.remaining() == before) {
                    break;
                }
            }
        } finally {
            processing = false;
            in.compact();
        }
        if (!channel.isOpen()) {
            releaseBuffers();
        }
    }

    private void readHead(ByteBuffer in) {
        byte[] a = in.array();
        int from = in.arrayOffset() + in.position();
        int end = UpgradeRequest.headEnd(a, from, in.arrayOffset() + in.limit());
        if (end < 0) {
            if (in.remaining() >= UpgradeRequest.MAX_HEAD) {
                in.position(in.limit());
                refuseHead();
            }
            return;
        }
        int length = end - from;
        loop.transport().gate().upgraded(remote);
        String accept = UpgradeRequest.acceptKey(a, from, length);
        if (accept != null) {
            in.position(in.position() + length);
            state = State.WEBSOCKET;
            sendRaw(UpgradeRequest.switching(accept));
            endpoint = new RelayEndpoint(switchboard, r -> { }, this::suspendFor);
            connection = new ClientConnection(this, switchboard.stats().slowClosed::increment);
            endpoint.attach(connection);
        } else {
            byte[] head = UpgradeRequest.closingHead(a, from, length);
            in.position(in.position() + length);
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            state = State.HTTP;
            handOff = HttpHandOff.start(this, loop.transport().httpRoutes(), head, rest);
        }
    }

    private void refuseHead() {
        state = State.CLOSING;
        byte[] body = "{\"error\":\"header_too_large\",\"detail\":\"the request head exceeds 16 KiB\"}"
                .getBytes(StandardCharsets.US_ASCII);
        sendRaw(("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        sendRaw(body);
        endOutput();
    }

    /** Reads RFC 6455 frames from {@code in} (read mode) for as long as whole parts are there. */
    private void readFrames(ByteBuffer in) {
        while (state == State.WEBSOCKET && in.hasRemaining() && !suspended) {
            if (!inFrame && !readFrameHeader(in)) {
                return;
            }
            if (!inFrame) {
                continue; // the whole frame was handled in place
            }
            int take = (int) Math.min(remaining, in.remaining());
            byte[] a = in.array();
            int at = in.arrayOffset() + in.position();
            if (opcode >= 8) {
                if (control == null) {
                    control = new byte[125];
                }
                unmaskInto(a, at, control, controlLength, take);
                controlLength += take;
            } else if (!messageDropped) {
                if (messageLength + take > maxKeep) {
                    messageDropped = true;
                    dropMessage();
                } else {
                    if (message == null || message.length < messageLength + take) {
                        long want = Math.max((long) messageLength + remaining, 256);
                        int size = (int) Math.min(want, maxKeep);
                        // Counted before it is allocated: the frame may have announced 64 KiB and sent one byte.
                        loop.lend(this, size - (message == null ? 0 : message.length));
                        message = Arrays.copyOf(message == null ? new byte[0] : message, size);
                    }
                    unmaskInto(a, at, message, messageLength, take);
                    messageLength += take;
                }
            }
            maskAt = (maskAt + take) & 3;
            in.position(in.position() + take);
            remaining -= take;
            if (remaining > 0) {
                return;
            }
            inFrame = false;
            if (opcode >= 8) {
                controlFrame();
            } else if (fin) {
                endMessage();
            }
        }
    }

    /**
     * Reads a frame header; false when not all of it is there yet. A single-frame text message
     * that is whole in the buffer is unmasked and delivered in place.
     */
    private boolean readFrameHeader(ByteBuffer in) {
        int avail = in.remaining();
        if (avail < 2) {
            return false;
        }
        int p = in.position();
        int b0 = in.get(p) & 0xff;
        int b1 = in.get(p + 1) & 0xff;
        int len7 = b1 & 0x7f;
        int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
        int op = b0 & 0x0f;
        boolean last = (b0 & 0x80) != 0;
        if ((b1 & 0x80) == 0 || (b0 & 0x70) != 0) {
            // Client frames must be masked (RFC 6455 5.1); no extension was agreed, so RSV bits are 0.
            fail(CloseCode.PROTOCOL_ERROR, FramingCheckedUpgrade.REASON);
            return false;
        }
        if (avail < header) {
            return false;
        }
        long len = len7 == 126 ? in.getShort(p + 2) & 0xffff : len7 == 127 ? in.getLong(p + 2) : len7;
        boolean wellFormed = switch (op) {
            case 0 -> messageType != 0;
            case 1, 2 -> messageType == 0;
            case 8, 9, 10 -> last && len <= 125;
            default -> false;
        };
        if (!wellFormed || len < 0) {
            fail(CloseCode.PROTOCOL_ERROR, FramingCheckedUpgrade.REASON);
            return false;
        }
        if (len > RelayServer.MAX_WIRE_FRAME) {
            fail(CloseCode.TOO_BIG, "frame exceeds " + RelayServer.MAX_WIRE_FRAME + " bytes");
            return false;
        }
        mask = in.getInt(p + header - 4);
        maskAt = 0;
        in.position(p + header);
        opcode = op;
        fin = last;
        remaining = len;
        if (op == 1 || op == 2) {
            messageType = op;
            messageLength = 0;
            messageDropped = op == 2; // binary is refused: nothing of it is kept
        }
        if (op == 1 && last && in.remaining() >= len) {
            int at = in.arrayOffset() + in.position();
            int n = (int) len;
            in.position(in.position() + n);
            messageType = 0;
            if (n > maxKeep) {
                endpoint.tooLarge();
            } else {
                unmaskInto(in.array(), at, in.array(), at, n);
                endpoint.text(new String(in.array(), at, n, StandardCharsets.UTF_8), true);
            }
            return true;
        }
        if (op >= 8) {
            controlLength = 0;
        }
        inFrame = true;
        return true;
    }

    private void endMessage() {
        int type = messageType;
        byte[] m = message;
        int n = messageLength;
        boolean dropped = messageDropped;
        messageType = 0;
        dropMessage();
        messageLength = 0;
        if (type == 2) {
            endpoint.binary();
        } else if (dropped) {
            endpoint.tooLarge();
        } else {
            // Invalid UTF-8 becomes U+FFFD, which the endpoint answers with 1007.
            endpoint.text(m == null ? "" : new String(m, 0, n, StandardCharsets.UTF_8), true);
        }
    }

    private void controlFrame() {
        switch (opcode) {
            case 9 -> endpoint.ping(Arrays.copyOf(control, controlLength));
            case 8 -> {
                if (controlLength == 1) {
                    fail(CloseCode.PROTOCOL_ERROR, FramingCheckedUpgrade.REASON);
                    return;
                }
                int code = controlLength == 0 ? 0 : (control[0] & 0xff) << 8 | (control[1] & 0xff);
                if (controlLength > 0 && !validCloseCode(code)) {
                    fail(CloseCode.PROTOCOL_ERROR, FramingCheckedUpgrade.REASON);
                    return;
                }
                // The client closes: answer with its code (RFC 6455 5.5.1) and end.
                endpoint.ended();
                closing = true;
                queue.offer(new Outbox.Close(code == 0 ? 1000 : code, "")); // 1000: normal closure
                schedule();
                state = State.CLOSING;
            }
            default -> {
                // A pong: nothing to do.
            }
        }
    }

    private static boolean validCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1011 || code >= 3000 && code <= 4999;
    }

    /** A framing error: the client gets a close with {@code code} and the connection ends. */
    private void fail(CloseCode code, String reason) {
        LOG.log(Level.INFO, "closing a WebSocket connection: {0}", reason);
        state = State.CLOSING;
        endpoint.ended();
        closing = true;
        queue.offer(new Outbox.Close(code.code(), reason));
        schedule();
    }

    /** XORs {@code n} bytes of {@code src} at {@code from} with the frame's mask into {@code dst} at {@code to}. */
    private void unmaskInto(byte[] src, int from, byte[] dst, int to, int n) {
        int rot = maskAt * 8;
        int m = rot == 0 ? mask : Integer.rotateLeft(mask, rot);
        long m8 = (m & 0xffffffffL) << 32 | (m & 0xffffffffL);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONGS.set(dst, to + i, (long) LONGS.get(src, from + i) ^ m8);
        }
        for (; i < n; i++) {
            dst[to + i] = (byte) (src[from + i] ^ (m >>> (24 - 8 * (i & 3))));
        }
    }

    /**
     * Runs {@code work} on a virtual thread and reads nothing more from this client until it is
     * done (loop thread): a register waits for the KMS there, not here.
     */
    private void suspendFor(Runnable work) {
        suspended = true;
        setInterest(interest & ~SelectionKey.OP_READ);
        Thread.ofVirtual().name("relay-register").start(() -> {
            try {
                work.run();
            } finally {
                loop.execute(this::resume);
            }
        });
    }

    private void resume() {
        suspended = false;
        if (!channel.isOpen()) {
            return;
        }
        setInterest(readOps() | (interest & SelectionKey.OP_WRITE));
        try {
            if (engine != null) {
                unwrapAll();
            } else {
                process();
            }
            releaseEmpty();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "relay connection {0} ended: {1}", remote, e.toString());
            closeNow();
        }
    }

    private int readOps() {
        return inputEnded || suspended ? 0 : SelectionKey.OP_READ;
    }

    /** The client ended its side (end of stream, TLS close_notify). */
    private void inputEnded() {
        inputEnded = true;
        if (state == State.HTTP && !outputShut) {
            // A client may half-close after its request: the answer still goes out.
            setInterest(interest & ~SelectionKey.OP_READ);
            return;
        }
        closeNow();
    }

    // --- output -----------------------------------------------------------------------------------

    @Override
    public Outbox.Offer offer(byte[] frame, Runnable written) {
        if (discarded || closing) {
            return Outbox.Offer.FAILED;
        }
        if (pending.addAndGet(frame.length) > budget) {
            pending.addAndGet(-frame.length);
            return Outbox.Offer.OVER_BUDGET;
        }
        queue.offer(written == null ? frame : new Outbox.Tracked(frame, written));
        schedule();
        return Outbox.Offer.QUEUED;
    }

    /** Queues bytes outside WebSocket framing (the 101 response, an HTTP answer); false once closed. */
    boolean sendRaw(byte[] bytes) {
        if (discarded || !channel.isOpen()) {
            return false;
        }
        pending.addAndGet(bytes.length);
        queue.offer(bytes);
        schedule();
        return true;
    }

    /** Ends the output after what is queued (the end of an HTTP answer). */
    void endOutput() {
        queue.offer(END);
        schedule();
    }

    @Override
    public void close(int code, String reason) {
        if (!discarded) {
            queue.offer(new Outbox.Close(code, reason));
            closing = true;
            schedule();
        }
    }

    @Override
    public void discard() {
        discarded = true;
        queue.clear();
        schedule();
    }

    @Override
    public void closeAside(int code, String reason) {
        aside = new Outbox.Close(code, reason);
        closing = true;
        schedule();
    }

    @Override
    public boolean alive() {
        return channel.isOpen();
    }

    @Override
    public void cut() {
        loop.execute(this::closeNow);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            if (loop.inLoop()) {
                loop.markDirty(this);
            } else {
                loop.execute(this::flush);
            }
        }
    }

    /** Moves queued frames to the socket (loop thread). */
    void flush() {
        scheduled.set(false);
        if (!channel.isOpen()) {
            queue.clear();
            return;
        }
        if (discarded) {
            queue.clear();
            if (staged != null) {
                staged.clear();
            }
            staging = null;
            pending.set(0);
        }
        Outbox.Close side = aside;
        if (side != null && !closeStaged) {
            aside = null;
            stage(ByteBuffer.wrap(closeFrame(side)));
            closeStaged = true;
            state = State.CLOSING;
        }
        Object o;
        while ((o = queue.poll()) != null) {
            if (closeStaged) {
                if (o instanceof byte[] b) {
                    pending.addAndGet(-b.length);
                } else if (o instanceof Outbox.Tracked t) {
                    pending.addAndGet(-t.frame().length);
                }
                continue;
            }
            if (o instanceof byte[] b) {
                stage(ByteBuffer.wrap(b));
            } else if (o instanceof Outbox.Tracked t) {
                ByteBuffer frame = ByteBuffer.wrap(t.frame());
                stage(frame);
                if (staging == null) {
                    staging = new ArrayDeque<>();
                }
                staging.add(new Receipt(frame, t.written()));
            } else if (o instanceof Outbox.Close c) {
                stage(ByteBuffer.wrap(closeFrame(c)));
                closeStaged = true;
                if (state == State.WEBSOCKET) {
                    state = State.CLOSING;
                }
            } else if (o == END) {
                closeStaged = true;
            }
        }
        try {
            writeOut();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "relay connection {0}: write failed: {1}", remote, e.toString());
            closeNow();
        }
    }

    private void stage(ByteBuffer b) {
        if (staged == null) {
            staged = new ArrayDeque<>();
        }
        staged.add(b);
    }

    /** Encrypts (or copies) staged frames into the socket until it takes no more. */
    private void writeOut() throws IOException {
        while (channel.isOpen()) {
            if (netOut != null && netOut.position() > 0 && !writeNet()) {
                return;
            }
            if (staged == null || staged.isEmpty()) {
                if (netOut != null && netOut.position() == 0) {
                    loop.give(this, netOut);
                    netOut = null;
                }
                if (staged != null) {
                    staged = null;
                }
                setInterest(readOps());
                if (closeStaged && !outputShut) {
                    finishOutput();
                }
                return;
            }
            if (netOut == null) {
                netOut = loop.take(this);
            }
            if (engine != null) {
                ByteBuffer[] g = loop.gather;
                int k = 0;
                for (ByteBuffer b : staged) {
                    g[k++] = b;
                    if (k == g.length) {
                        break;
                    }
                }
                SSLEngineResult r;
                try {
                    r = engine.wrap(g, 0, k, netOut);
                } finally {
                    Arrays.fill(g, 0, k, null);
                }
                pending.addAndGet(-r.bytesConsumed());
                while (!staged.isEmpty() && !staged.peek().hasRemaining()) {
                    staged.poll();
                }
                if (staging != null) {
                    packed();
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED
                        || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && netOut.position() == 0) {
                    closeNow();
                    return;
                }
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    return; // the engine waits for the client's handshake bytes; reading resumes it
                }
            } else {
                int copied = 0;
                while (!staged.isEmpty() && netOut.hasRemaining()) {
                    ByteBuffer b = staged.peek();
                    int n = Math.min(b.remaining(), netOut.remaining());
                    netOut.put(netOut.position(), b, b.position(), n);
                    netOut.position(netOut.position() + n);
                    b.position(b.position() + n);
                    copied += n;
                    if (!b.hasRemaining()) {
                        staged.poll();
                    }
                }
                pending.addAndGet(-copied);
                if (staging != null) {
                    packed();
                }
            }
        }
    }

    /** Receipts whose frame is now wholly in {@code netOut} wait for the write that takes its last byte. */
    private void packed() {
        Receipt r;
        while ((r = staging.peek()) != null && !r.frame.hasRemaining()) {
            staging.poll();
            r.end = sent + netOut.position();
            if (unsent == null) {
                unsent = new ArrayDeque<>();
            }
            unsent.add(r);
        }
        if (staging.isEmpty()) {
            staging = null;
        }
    }

    /** Runs the receipts of the frames the socket has now taken whole. */
    private void confirmSent() {
        Receipt r;
        while ((r = unsent.peek()) != null && r.end <= sent) {
            unsent.poll();
            try {
                r.written.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "relay connection {0}: a write receipt failed: {1}", remote, e.toString());
            }
        }
        if (unsent.isEmpty()) {
            unsent = null;
        }
    }

    /** Writes {@code netOut}; false (and interest in writability) while the socket takes no more. */
    private boolean writeNet() throws IOException {
        netOut.flip();
        try {
            sent += channel.write(netOut);
        } finally {
            netOut.compact();
        }
        if (unsent != null) {
            confirmSent();
        }
        if (netOut.position() > 0) {
            setInterest(readOps() | SelectionKey.OP_WRITE);
            return false;
        }
        return true;
    }

    /** Everything up to the close is written: TLS close_notify, FIN, then wait for the client's end. */
    private void finishOutput() {
        outputShut = true;
        state = State.CLOSING;
        try {
            if (engine != null) {
                engine.closeOutbound();
                if (netOut == null) {
                    netOut = loop.take(this);
                }
                engine.wrap(EMPTY, netOut);
                writeNet();
            }
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            closeNow();
            return;
        }
        if (inputEnded) {
            closeNow();
            return;
        }
        releaseEmpty();
        lingerSince = System.nanoTime();
        loop.linger(this);
    }

    /** True when this socket no longer lingers: closed now, or closed earlier. */
    boolean lingerOver(long now) {
        if (!channel.isOpen()) {
            return true;
        }
        if (now - lingerSince > LINGER_NANOS) {
            closeNow();
            return true;
        }
        return false;
    }

    /** A WebSocket that sent nothing for {@code idleNanos} is closed (1001), like Helidon's idle limit. */
    void closeIfIdle(long now, long idleNanos) {
        if (state == State.WEBSOCKET && now - lastInput > idleNanos) {
            LOG.log(Level.DEBUG, "closing idle relay connection {0}", remote);
            endpoint.ended();
            close(CloseCode.GOING_AWAY.code(), "idle");
        }
    }

    /** Ends the connection now: the socket, its queue, its buffers; the switchboard forgets it. */
    void closeNow() {
        closing = true;
        discarded = true;
        boolean wasOpen = channel.isOpen();
        if (key != null) {
            key.cancel();
        }
        LoopTransport.closeQuietly(channel);
        queue.clear();
        staged = null;
        staging = null;
        unsent = null;
        pending.set(0);
        if (wasOpen) {
            if (endpoint != null) {
                endpoint.ended();
            }
            if (handOff != null) {
                handOff.close();
            }
        }
        releaseBuffers();
    }

    private void setInterest(int ops) {
        if (ops != interest && key != null && key.isValid()) {
            interest = ops;
            try {
                key.interestOps(ops);
            } catch (java.nio.channels.CancelledKeyException e) {
                // closed meanwhile
            }
        }
    }

    /** Returns buffers that hold nothing to the loop's pool. */
    private void releaseEmpty() {
        if (netIn != null && netIn.position() == 0) {
            loop.give(this, netIn);
            netIn = null;
        }
        if (appIn != null && appIn.position() == 0 && !processing) {
            loop.give(this, appIn);
            appIn = null;
        }
        if (netOut != null && netOut.position() == 0 && (staged == null || staged.isEmpty())) {
            loop.give(this, netOut);
            netOut = null;
        }
        if (message != null && messageType == 0) {
            dropMessage();
        }
    }

    private void releaseBuffers() {
        if (processing) {
            return;
        }
        loop.give(this, netIn);
        loop.give(this, appIn);
        loop.give(this, netOut);
        netIn = null;
        appIn = null;
        netOut = null;
        dropMessage();
        control = null;
    }

    /** Lets go of the message being assembled, and of its loan. */
    private void dropMessage() {
        if (message != null) {
            loop.repay(this, message.length);
            message = null;
        }
    }

    /** A frame with a receipt, and (once it is wholly in {@code netOut}) the byte count that ends it. */
    private static final class Receipt {
        final ByteBuffer frame;
        final Runnable written;
        long end;

        Receipt(ByteBuffer frame, Runnable written) {
            this.frame = frame;
            this.written = written;
        }
    }

    /** A close frame with {@code c}'s code and reason (at most 123 bytes of it). */
    static byte[] closeFrame(Outbox.Close c) {
        byte[] reason = c.reason() == null ? new byte[0] : c.reason().getBytes(StandardCharsets.UTF_8);
        int n = Math.min(reason.length, 123);
        byte[] frame = new byte[4 + n];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) (2 + n);
        frame[2] = (byte) (c.code() >>> 8);
        frame[3] = (byte) c.code();
        System.arraycopy(reason, 0, frame, 4, n);
        return frame;
    }

    @Override
    public String toString() {
        return "LoopSocket[" + remote + "]";
    }
}
