package qstcs.relay;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client on a bare socket, for frames no well-behaved library sends: control frames
 * on demand, reserved opcodes, broken payloads. Client frames are masked (with a zero mask, which
 * RFC 6455 allows and keeps the bytes readable in a capture).
 */
final class RawWsClient implements AutoCloseable {
    /** One frame from the server. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawWsClient(int port) throws IOException {
        this(port, 0);
    }

    /** Connects with a receive buffer of about {@code receiveBuffer} bytes (see {@link #connected}). */
    RawWsClient(int port, int receiveBuffer) throws IOException {
        this(connected(new Socket(), port, receiveBuffer), port);
    }

    /** Upgrades {@code socket} (connected to the relay at {@code port}; a TLS socket for wss). */
    RawWsClient(Socket socket, int port) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        String key = Base64.getEncoder().encodeToString("qstcs-raw-client".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    /**
     * Connects {@code socket} to the relay on loopback at {@code port} with a receive buffer of
     * about {@code receiveBuffer} bytes (0: the system's, which grows). The buffer is set before
     * connecting, so the window the client offers stays that small.
     */
    static Socket connected(Socket socket, int port, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        return socket;
    }

    /** Sends one final frame with {@code opcode} and {@code payload}. */
    void send(int opcode, byte[] payload) throws IOException {
        byte[] header = payload.length < 126 ? new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | payload.length)}
                : new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | 126), (byte) (payload.length >>> 8), (byte) payload.length};
        // One write: a server that closes after the header must not find the rest still unread
        // (the kernel would then answer with a reset that can overtake its close frame).
        byte[] frame = new byte[header.length + 4 + payload.length]; // mask 0
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(payload, 0, frame, header.length + 4, payload.length);
        out.write(frame);
        out.flush();
    }

    /**
     * Writes {@code bytes} as they are: part of a frame (a header announcing more than follows),
     * or the rest of one. With the zero mask, payload bytes are sent as they read.
     */
    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The header of a final text frame of {@code length} bytes (126 to 65,535), masked with zeros. */
    static byte[] textHeader(int length) {
        return new byte[] {(byte) 0x81, (byte) (0x80 | 126), (byte) (length >>> 8), (byte) length, 0, 0, 0, 0};
    }

    void sendText(String text) throws IOException {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the server, or null when it closed the socket. */
    Frame next() throws IOException {
        int b0;
        try {
            b0 = in.readUnsignedByte();
        } catch (java.io.EOFException e) {
            return null;
        }
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, payload);
    }

    /** The next frame with {@code opcode}, skipping others (e.g. text frames before a close). */
    Frame next(int opcode) throws IOException {
        Frame f;
        while ((f = next()) != null) {
            if (f.opcode() == opcode) {
                return f;
            }
        }
        return null;
    }

    /**
     * The most bytes the kernel can hold on their way from the relay to this client: the relay
     * socket's send buffer at its largest ({@code net.ipv4.tcp_wmem}'s maximum, or
     * {@code net.core.wmem_max} doubled for a socket that sets its own) plus this socket's receive
     * buffer. Frames sent beyond that while the client reads nothing are still in the relay.
     */
    long kernelBufferLimit() throws IOException {
        String[] tcp = sysctl("net/ipv4/tcp_wmem").split("\\s+");
        long send = Math.max(Long.parseLong(tcp[2]), 2 * Long.parseLong(sysctl("net/core/wmem_max")));
        return send + socket.getReceiveBufferSize();
    }

    private static String sysctl(String name) throws IOException {
        // Read as a stream: /proc files report size 0, and Files.readString then stops early.
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/sys", name))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
