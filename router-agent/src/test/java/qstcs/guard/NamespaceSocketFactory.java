package qstcs.guard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/** Sockets that live in one network namespace, for OkHttp's {@code socketFactory(...)}. */
final class NamespaceSocketFactory extends SocketFactory {
    private final NamespaceThread namespace;

    NamespaceSocketFactory(NamespaceThread namespace) {
        this.namespace = namespace;
    }

    @Override
    public Socket createSocket() {
        return namespace.newSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress to) throws IOException {
        Socket s = createSocket();
        s.connect(to, 5_000);
        return s;
    }
}
