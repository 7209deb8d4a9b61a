package qstcs.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import io.helidon.common.tls.Tls;

/**
 * The relay's TLS with one socket read per small record instead of two. The JDK's
 * {@code SSLSocket} reads a record's 5-byte header and then its body with separate reads of the
 * socket; at a steady rate every chat frame is its own record, so that is an extra system call per
 * frame (plus the one that finds the socket empty before the reader parks). Here the socket's input
 * goes through a small read-ahead buffer, handed to the JDK as the "already consumed" input it
 * reads before the socket itself: a record up to {@link #BUFFER_BYTES} arrives with one read.
 * Larger reads go straight to the socket.
 */
final class TlsReadAhead {

    /**
     * Read-ahead per connection, allocated at its first read and kept: chat frames and their TLS
     * records are mostly well below this, and every idle connection holds it.
     */
    static final int BUFFER_BYTES = 1024;

    private TlsReadAhead() {
    }

    /** The same TLS settings whose server sockets read through a read-ahead buffer. */
    static Tls of(Tls tls) {
        return Tls.builder()
                .sslContext(context(tls.sslContext()))
                .sslParameters(tls.sslParameters())
                .build();
    }

    /** An initialised context that behaves as {@code real} except for the layered sockets it makes. */
    static SSLContext context(SSLContext real) {
        SSLSocketFactory sockets = new ReadAheadSocketFactory(real.getSocketFactory());
        SSLContextSpi spi = new SSLContextSpi() {
            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                    throws KeyManagementException {
                throw new KeyManagementException("already initialised");
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return sockets;
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                return real.getServerSocketFactory();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                return real.createSSLEngine();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                return real.createSSLEngine(host, port);
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                return real.getServerSessionContext();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                return real.getClientSessionContext();
            }

            @Override
            protected SSLParameters engineGetDefaultSSLParameters() {
                return real.getDefaultSSLParameters();
            }

            @Override
            protected SSLParameters engineGetSupportedSSLParameters() {
                return real.getSupportedSSLParameters();
            }
        };
        return new SSLContext(spi, real.getProvider(), real.getProtocol()) {
        };
    }

    /** Makes server sockets layered over an accepted socket read through a {@link ReadAhead}. */
    private static final class ReadAheadSocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory real;

        ReadAheadSocketFactory(SSLSocketFactory real) {
            this.real = real;
        }

        /**
         * Always closes {@code s} with the TLS socket: Helidon asks for {@code autoClose=false} and
         * then, when a connection ends, closes only the TLS socket; otherwise every ended
         * {@code wss} session would keep its TCP socket open (a descriptor, and a place among its address's
         * established connections in the connection gate).
         */
        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            if (consumed != null) {
                return real.createSocket(s, consumed, true);
            }
            return real.createSocket(s, new ReadAhead(s.getInputStream()), true);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return real.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return real.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return real.createSocket(s, host, port, autoClose);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return real.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return real.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return real.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return real.createSocket(address, port, localAddress, localPort);
        }
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
