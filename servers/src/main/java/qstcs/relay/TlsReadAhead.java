package qstcs.relay;

import java.io.IOException;
import java.io.InputStream;

import io.helidon.common.tls.Tls;

import qstcs.server.http.AcceptedTls;
import qstcs.server.http.ConnectionGate;

/**
 * The relay's TLS with one socket read per small record instead of two. The JDK's
 * {@code SSLSocket} reads a record's 5-byte header and then its body with separate reads of the
 * socket; at a steady rate every chat frame is its own record, so that is an extra system call per
 * frame (plus the one that finds the socket empty before the reader parks). Here the socket's input
 * goes through a small read-ahead buffer, handed to the JDK as the "already consumed" input it
 * reads before the socket itself ({@link AcceptedTls}): a record up to {@link #BUFFER_BYTES}
 * arrives with one read. Larger reads go straight to the socket.
 */
final class TlsReadAhead {

    /**
     * Read-ahead per connection, allocated at its first read and kept: chat frames and their TLS
     * records are mostly well below this, and every idle connection holds it.
     */
    static final int BUFFER_BYTES = 1024;

    private TlsReadAhead() {
    }

    /**
     * The same TLS settings whose server sockets read through a read-ahead buffer, and tell
     * {@code gate} when their first bytes arrive.
     */
    static Tls of(Tls tls, ConnectionGate gate) {
        return AcceptedTls.of(tls, (socket, in) -> new ReadAhead(gate.firstBytesWatched(socket, in)), gate::spoke);
    }

    /**
     * A socket's input with a small read-ahead buffer. Only the TLS layer reads it, under its own
     * read lock. Closing it does not close the socket (the server closes its sockets itself).
     */
    static final class ReadAhead extends InputStream {

        private final InputStream in;
        private byte[] buffer;
        private int position;
        private int limit;

        ReadAhead(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position == limit) {
                if (len >= BUFFER_BYTES) {
                    return in.read(b, off, len);
                }
                if (buffer == null) {
                    buffer = new byte[BUFFER_BYTES];
                }
                int n = in.read(buffer, 0, BUFFER_BYTES);
                if (n <= 0) {
                    return n;
                }
                position = 0;
                limit = n;
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int available() throws IOException {
            return position < limit ? limit - position : in.available();
        }

        @Override
        public long skip(long n) throws IOException {
            if (position < limit) {
                int k = (int) Math.min(n, limit - position);
                position += k;
                return k;
            }
            return in.skip(n);
        }

        @Override
        public void close() {
            position = limit;
        }
    }
}
