package qstcs.crypto.tls;

import java.net.IDN;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server only if its chain contains the CA whose SHA-256 fingerprint is pinned, the
 * certificates below that CA validate against it (PKIX: signatures, validity, CA constraints),
 * the leaf may be used for TLS server authentication, and the leaf's subject alternative names
 * cover the host the client dialled. The JDK's default trust store is never consulted, so a
 * certificate from any other CA — public or another QSTCS installation — is refused.
 */
final class PinnedCaTrustManager extends X509ExtendedTrustManager {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final CaFingerprint pin;

    PinnedCaTrustManager(CaFingerprint pin) {
        this.pin = Objects.requireNonNull(pin, "pin");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        String host = null;
        if (socket instanceof SSLSocket ssl) {
            SSLSession session = ssl.getHandshakeSession();
            host = session == null ? null : session.getPeerHost();
        }
        check(chain, host);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, engine == null ? null : engine.getPeerHost());
    }

    /** Without a socket the caller must verify the host name itself (as OkHttp does). */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("QSTCS clients do not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("QSTCS clients do not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("QSTCS clients do not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** Validates {@code chain} (leaf first) against the pin, and against {@code host} unless null. */
    void check(X509Certificate[] chain, String host) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        int caIndex = -1;
        for (int i = 0; i < chain.length; i++) {
            if (pin.matches(chain[i])) {
                caIndex = i;
                break;
            }
        }
        if (caIndex < 0) {
            X509Certificate top = chain[chain.length - 1];
            throw new CertificateException("certificate not issued by the pinned QSTCS CA: the server presented "
                    + CaFingerprint.of(top) + " (" + top.getSubjectX500Principal().getName() + ") at the top of its chain; expected "
                    + pin + ". Was the KMS state (its CA) recreated? Enroll again with a fresh enrollment string.");
        }
        if (caIndex == 0) {
            throw new CertificateException("the server presented the pinned QSTCS CA itself, not a server certificate issued by it");
        }
        validatePath(Arrays.copyOfRange(chain, 0, caIndex), chain[caIndex]);
        X509Certificate leaf = chain[0];
        checkServerAuthUsage(leaf);
        if (host != null && !host.isEmpty()) {
            checkHost(leaf, host);
        }
    }

    private void validatePath(X509Certificate[] belowCa, X509Certificate ca) throws CertificateException {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(belowCa));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            // A private CA with short-lived server certificates: there is no CRL or OCSP responder.
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(path, params);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("server certificate " + belowCa[0].getSubjectX500Principal().getName()
                    + " does not validate against the pinned QSTCS CA " + pin + ": " + e.getMessage(), e);
        }
    }

    private static void checkServerAuthUsage(X509Certificate leaf) throws CertificateException {
        List<String> usages = leaf.getExtendedKeyUsage();
        if (usages != null && !usages.contains(SERVER_AUTH) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName()
                    + " is not meant for TLS servers (no serverAuth extended key usage)");
        }
    }

    /** RFC 6125 matching against subject alternative names only (the CN is not consulted). */
    static void checkHost(X509Certificate leaf, String rawHost) throws CertificateException {
        String host = rawHost.startsWith("[") && rawHost.endsWith("]")
                ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("unreadable subject alternative names in the server certificate", e);
        }
        boolean ipLiteral = isIpLiteral(host);
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                if (ipLiteral && type == SAN_IP && sameAddress(host, value)) {
                    return;
                }
                if (!ipLiteral && type == SAN_DNS && dnsMatches(value, host)) {
                    return;
                }
            }
        }
        throw new CertificateException("the server certificate is not valid for host '" + host
                + "' (it names " + describe(sans) + "). Connect by one of those names, or reissue the certificate with"
                + " --san " + host);
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // Both are literals here, so no name lookup happens.
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = IDN.toASCII(pattern).toLowerCase(Locale.ROOT);
        String h = IDN.toASCII(host).toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) p = p.substring(0, p.length() - 1);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            // A wildcard covers exactly one left-most label, never a bare suffix.
            return dot > 0 && h.substring(dot).equals(p.substring(1)) && p.indexOf('.', 2) > 0;
        }
        return p.equals(h);
    }

    private static String describe(Collection<List<?>> sans) {
        if (sans == null || sans.isEmpty()) {
            return "no names";
        }
        return sans.stream().map(san -> String.valueOf(san.get(1))).toList().toString();
    }
}
