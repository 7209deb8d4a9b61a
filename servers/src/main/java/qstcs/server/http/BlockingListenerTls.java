package qstcs.server.http;

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
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import io.helidon.common.tls.Tls;

/**
 * TLS settings for a Helidon listener with blocking sockets ({@code useNio(false)}), which holds
 * an idle connection in a third of the heap its NIO sockets need (one 8 KiB read buffer and the
 * JDK's {@code SSLSocket} buffers instead of four {@code SSLEngine} buffers of 16 KiB and two of
 * 8 KiB). On that path Helidon layers an {@code SSLSocket} over each accepted socket and then
 * <ul>
 *   <li>never applies the listener's {@code SSLParameters}: client-certificate requests,
 *       protocols and cipher suites configured on the {@link Tls} would be lost;</li>
 *   <li>asks the layer not to close the TCP socket beneath and, when the connection ends, closes
 *       only the layer: every ended connection would keep a descriptor.</li>
 * </ul>
 * The context returned here makes such layered sockets with the listener's parameters and with the
 * TCP socket closed together with the TLS layer; everything else is the original context's.
 */
public final class BlockingListenerTls {

    private BlockingListenerTls() {
    }

    /** {@code tls}, with layered server sockets that carry its parameters and close their TCP socket. */
    public static Tls of(Tls tls) {
        SSLParameters parameters = tls.sslParameters();
        // As Helidon's own NIO path does: a server does not match its clients' names.
        parameters.setEndpointIdentificationAlgorithm("");
        SSLContext real = tls.sslContext();
        return Tls.builder()
                .sslContext(withSocketFactory(real, new LayeredSocketFactory(real.getSocketFactory(), parameters)))
                .sslParameters(parameters)
                .build();
    }

    /**
     * An initialised context that behaves as {@code real} except for the sockets {@code sockets}
     * makes: how a listener's TLS changes what Helidon's blocking path layers over its sockets.
     */
    public static SSLContext withSocketFactory(SSLContext real, SSLSocketFactory sockets) {
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

    /** Layered server sockets (the only kind the listener makes) as described above; the rest as {@code real}. */
    private static final class LayeredSocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory real;
        private final SSLParameters parameters;

        LayeredSocketFactory(SSLSocketFactory real, SSLParameters parameters) {
            this.real = real;
            this.parameters = parameters;
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            SSLSocket layered = (SSLSocket) real.createSocket(s, consumed, true);
            layered.setSSLParameters(parameters);
            return layered;
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
