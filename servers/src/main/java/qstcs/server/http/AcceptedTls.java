package qstcs.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import io.helidon.common.tls.Tls;

/**
 * TLS for a Helidon listener that tells the server when an accepted connection's first bytes
 * (its ClientHello) arrive, whichever kind of socket the listener uses.
 * <ul>
 *   <li>Blocking sockets: the TLS socket Helidon layers over each accepted TCP socket reads it
 *       through a stream the server chooses, and always closes it with itself. Helidon asks for
 *       {@code autoClose=false} and, when a connection ends, closes only the TLS socket; a TCP
 *       socket left open beneath keeps a descriptor and its place among its address's
 *       connections at the {@link ConnectionGate}. The stream is handed to the JDK as the
 *       "already consumed" input it reads before the socket itself, so it may read ahead or
 *       watch for the first bytes.</li>
 *   <li>NIO sockets (Helidon's default): the {@link SSLEngine} made for an accepted connection
 *       reports the peer's address on its first unwrap of received bytes. Helidon names the peer
 *       to the engine by host and port; the servers' resolver never looks up names, so the host
 *       is the address literal.</li>
 * </ul>
 */
public final class AcceptedTls {

    private AcceptedTls() {
    }

    /**
     * The same TLS settings whose server sockets read the accepted socket through
     * {@code input.apply(socket, socket's own input)}, and whose engines give {@code firstBytes}
     * the peer's address when they first unwrap received bytes.
     */
    public static Tls of(Tls tls, BiFunction<Socket, InputStream, InputStream> input,
                         Consumer<InetSocketAddress> firstBytes) {
        return Tls.builder()
                .sslContext(context(tls.sslContext(), input, firstBytes))
                .sslParameters(tls.sslParameters())
                .build();
    }

    /** An initialised context that behaves as {@code real} except for the layered sockets and engines it makes. */
    public static SSLContext context(SSLContext real, BiFunction<Socket, InputStream, InputStream> input,
                                     Consumer<InetSocketAddress> firstBytes) {
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
                SSLEngine engine = real.createSSLEngine(host, port);
                InetSocketAddress peer = literal(host, port);
                return peer == null ? engine : new FirstBytesEngine(engine, () -> firstBytes.accept(peer));
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

    /** The address {@code host} (a literal) and {@code port}; null if {@code host} is a name. */
    private static InetSocketAddress literal(String host, int port) {
        if (host == null || port <= 0) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.ofLiteral(host), port);
        } catch (IllegalArgumentException e) {
            return null;
        }
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

    /** An engine that behaves as {@code real} and runs {@code firstBytes} on its first unwrap of received bytes. */
    private static final class FirstBytesEngine extends SSLEngine {

        private final SSLEngine real;
        private Runnable firstBytes;

        FirstBytesEngine(SSLEngine real, Runnable firstBytes) {
            super(real.getPeerHost(), real.getPeerPort());
            this.real = real;
            this.firstBytes = firstBytes;
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            Runnable first = firstBytes;
            if (first != null && src.hasRemaining()) {
                firstBytes = null;
                first.run();
            }
            return real.unwrap(src, dsts, offset, length);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return real.wrap(srcs, offset, length, dst);
        }

        @Override
        public Runnable getDelegatedTask() {
            return real.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            real.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return real.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            real.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return real.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return real.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return real.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            real.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return real.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return real.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            real.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return real.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return real.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            real.beginHandshake();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return real.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            real.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return real.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            real.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return real.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            real.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return real.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            real.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return real.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return real.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            real.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return real.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return real.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            real.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return real.getHandshakeApplicationProtocolSelector();
        }
    }
}
