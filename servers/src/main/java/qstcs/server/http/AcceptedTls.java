package qstcs.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.BiFunction;

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
 * TLS for a Helidon listener with blocking sockets, whose TLS sockets (layered by Helidon over
 * each accepted TCP socket) read that socket through a stream the server chooses, and always
 * close it with them. Helidon asks for {@code autoClose=false} and, when a connection ends,
 * closes only the TLS socket; a TCP socket left open beneath keeps a descriptor and its place
 * among its address's connections at the {@link ConnectionGate}. The stream is handed to the JDK
 * as the "already consumed" input it reads before the socket itself, so it may read ahead or
 * watch for the first bytes.
 */
public final class AcceptedTls {

    private AcceptedTls() {
    }

    /**
     * The same TLS settings whose server sockets read the accepted socket through
     * {@code input.apply(socket, socket's own input)}.
     */
    public static Tls of(Tls tls, BiFunction<Socket, InputStream, InputStream> input) {
        return Tls.builder()
                .sslContext(context(tls.sslContext(), input))
                .sslParameters(tls.sslParameters())
                .build();
    }

    /** An initialised context that behaves as {@code real} except for the layered sockets it makes. */
    public static SSLContext context(SSLContext real, BiFunction<Socket, InputStream, InputStream> input) {
        SSLSocketFactory sockets = new LayeredSocketFactory(real.getSocketFactory(), input);
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

    /** Makes server sockets layered over an accepted socket read through the chosen stream. */
    private static final class LayeredSocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory real;
        private final BiFunction<Socket, InputStream, InputStream> input;

        LayeredSocketFactory(SSLSocketFactory real, BiFunction<Socket, InputStream, InputStream> input) {
            this.real = real;
            this.input = input;
        }

        /** Always closes {@code s} with the TLS socket (see the class comment). */
        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            if (consumed != null) {
                return real.createSocket(s, consumed, true);
            }
            return real.createSocket(s, input.apply(s, s.getInputStream()), true);
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
}
