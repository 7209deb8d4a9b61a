package qstcs.bench.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;

/**
 * A minimal client WebSocket (RFC 6455) over a non-blocking {@link SocketChannel}, for the load
 * generator only: text frames out (masked with a fresh random key each, as the RFC requires of
 * clients), whole unfragmented frames in (the relay never fragments), over {@code wss} (a
 * {@link TlsWire}) as users run the relay, or plain {@code ws} for comparison. It does no work per
 * frame beyond framing and TLS, so the generator's CPU per message stays small next to the
 * relay's; the integration tests use OkHttp, the client the apps use.
 */
final class BenchSocket {

    /** What the owner does with each text frame that arrives (payload bytes, valid until return). */
    interface FrameSink {
        void onText(BenchSocket socket, byte[] buf, int off, int len);
    }

    final SocketChannel channel;
    /** TLS on the channel, or null for plain {@code ws}. */
    private final TlsWire tls;
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private ByteBuffer out = ByteBuffer.allocate(16 * 1024);
    private boolean closed;

    private BenchSocket(SocketChannel channel, TlsWire tls) {
        this.channel = channel;
        this.tls = tls;
    }

    /**
     * Connects, handshakes TLS when {@code tls} is given, and upgrades (all blocking), then leaves
     * the channel in non-blocking mode.
     */
    static BenchSocket open(int port, SSLContext tls) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.socket().setTcpNoDelay(true);
        TlsWire wire = tls == null ? null : TlsWire.handshake(ch, tls, "127.0.0.1", port);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        BenchSocket s = new BenchSocket(ch, wire);
        s.out.put(request.getBytes(StandardCharsets.US_ASCII));
        s.flushFully();
        // Read the 101 response; anything after its blank line is already WebSocket data.
        while (true) {
            if (s.readSome() < 0) {
                throw new IOException("relay closed the connection during the upgrade");
            }
            String head = new String(s.in.array(), 0, s.in.position(), StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            if (end >= 0) {
                if (!head.startsWith("HTTP/1.1 101")) {
                    throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
                }
                s.in.flip().position(end + 4);
                s.in.compact();
                break;
            }
        }
        ch.configureBlocking(false);
        return s;
    }

    /** Appends one masked text frame to the output buffer; {@link #flush} sends it. */
    void queueText(byte[] payload) {
        int len = payload.length;
        int need = len + 14;
        if (out.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + need));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put((byte) 0x81);
        if (len < 126) {
            out.put((byte) (0x80 | len));
        } else if (len < 65536) {
            out.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            out.put((byte) (0x80 | 127)).putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        out.putInt(mask);
        byte m0 = (byte) (mask >>> 24);
        byte m1 = (byte) (mask >>> 16);
        byte m2 = (byte) (mask >>> 8);
        byte m3 = (byte) mask;
        byte[] dst = out.array();
        int p = out.position();
        int i = 0;
        for (; i + 3 < len; i += 4) {
            dst[p + i] = (byte) (payload[i] ^ m0);
            dst[p + i + 1] = (byte) (payload[i + 1] ^ m1);
            dst[p + i + 2] = (byte) (payload[i + 2] ^ m2);
            dst[p + i + 3] = (byte) (payload[i + 3] ^ m3);
        }
        for (; i < len; i++) {
            dst[p + i] = (byte) (payload[i] ^ ((i & 3) == 0 ? m0 : (i & 3) == 1 ? m1 : (i & 3) == 2 ? m2 : m3));
        }
        out.position(p + len);
    }

    boolean hasOutput() {
        return out.position() > 0;
    }

    /** Writes what is buffered; true when everything went out (else call again later). */
    boolean flush() throws IOException {
        if (out.position() == 0) {
            return true;
        }
        out.flip();
        try {
            if (tls == null) {
                channel.write(out);
            } else {
                tls.write(out);
            }
        } finally {
            out.compact();
        }
        return out.position() == 0;
    }

    /** Reads what the socket has into the input buffer (decrypted); bytes added, or -1 at EOF. */
    private int readSome() throws IOException {
        return tls == null ? channel.read(in) : tls.read(in);
    }

    /** Writes everything buffered, spinning while the socket is full (blocking-mode callers). */
    void flushFully() throws IOException {
        while (!flush()) {
            Thread.onSpinWait();
        }
    }

    /** Reads what the socket has and hands each complete text frame to {@code sink}; false at EOF. */
    boolean readFrames(FrameSink sink) throws IOException {
        int n;
        do {
            n = readSome();
            if (n < 0) {
                closed = true;
                return false;
            }
            parseFrames(sink);
            // TLS: records decrypted into a full buffer may leave more in the engine; read again.
        } while (tls != null && n > 0);
        return true;
    }

    /** Hands each complete frame in the input buffer to {@code sink}. */
    private void parseFrames(FrameSink sink) {
        in.flip();
        byte[] a = in.array();
        while (in.remaining() >= 2) {
            int start = in.position();
            int b0 = a[start] & 0xff;
            int b1 = a[start + 1] & 0x7f;
            int header = 2;
            long len = b1;
            if (b1 == 126) {
                if (in.remaining() < 4) {
                    break;
                }
                len = ((a[start + 2] & 0xff) << 8) | (a[start + 3] & 0xff);
                header = 4;
            } else if (b1 == 127) {
                if (in.remaining() < 10) {
                    break;
                }
                len = in.getLong(start + 2);
                header = 10;
            }
            if (in.remaining() < header + len) {
                if (header + len > in.capacity()) {
                    ByteBuffer bigger = ByteBuffer.allocate((int) (header + len) * 2);
                    bigger.put(in);
                    in = bigger;
                    return;
                }
                break;
            }
            int opcode = b0 & 0x0f;
            if (opcode == 0x1) {
                sink.onText(this, a, start + header, (int) len);
            } else if (opcode == 0x8) {
                closed = true;
            }
            in.position(start + header + (int) len);
        }
        in.compact();
    }

    boolean closed() {
        return closed;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Already gone; nothing to release.
        }
    }

    /** Reads (blocking by polling) until a text frame starting with {@code prefix} arrives. */
    void awaitText(String prefix, long timeoutNanos) throws IOException {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        boolean[] found = {false};
        long deadline = System.nanoTime() + timeoutNanos;
        while (!found[0]) {
            if (!readFrames((s, buf, off, len) -> {
                if (len >= p.length && java.util.Arrays.equals(buf, off, off + p.length, p, 0, p.length)) {
                    found[0] = true;
                }
            })) {
                throw new IOException("relay closed the connection before " + prefix);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no " + prefix + " within the timeout");
            }
            if (!found[0]) {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }
}
