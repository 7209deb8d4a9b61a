package qstcs.crypto.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What an ETSI GS QKD 014 SAE needs to talk to its KME over mutual TLS: its private key and
 * client certificate chain (one PEM file: a PKCS#8 {@code PRIVATE KEY} block, then the chain,
 * leaf first) and the CA certificate(s) it trusts for the KME's server certificate (a PEM file),
 * with normal host-name checks. Works with any vendor's KME, not only a QSTCS KMS.
 */
public final class SaeCredentials {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final String saeId;
    private final SSLContext sslContext;
    private final X509TrustManager trustManager;

    private SaeCredentials(String saeId, SSLContext sslContext, X509TrustManager trustManager) {
        this.saeId = saeId;
        this.sslContext = sslContext;
        this.trustManager = trustManager;
    }

    /**
     * Reads the SAE's key + chain from {@code saePem} and the trusted CA certificate(s) from
     * {@code caPem}; fails with a message naming the file and the problem.
     */
    public static SaeCredentials read(Path saePem, Path caPem) throws IOException {
        PrivateKey key = null;
        List<X509Certificate> chain;
        List<X509Certificate> anchors;
        try {
            String text = Files.readString(saePem, StandardCharsets.US_ASCII);
            chain = certificates(text);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("PRIVATE KEY")) {
                    key = privateKey(Base64.getMimeDecoder().decode(m.group(2)));
                }
            }
            if (key == null || chain.isEmpty()) {
                throw new GeneralSecurityException("expected a PKCS#8 PRIVATE KEY block and at least one CERTIFICATE");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot read the SAE key and certificate from " + saePem + ": " + e.getMessage(), e);
        }
        try {
            anchors = certificates(Files.readString(caPem, StandardCharsets.US_ASCII));
            if (anchors.isEmpty()) {
                throw new GeneralSecurityException("no CERTIFICATE block");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot read the KME's CA certificate from " + caPem + ": " + e.getMessage(), e);
        }
        try {
            return of(key, chain, anchors);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up mutual TLS with " + saePem + " and " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** From keys and certificates in memory. */
    public static SaeCredentials of(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted)
            throws GeneralSecurityException {
        char[] password = new char[32];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("sae", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                trust.setCertificateEntry("ca" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            X509TrustManager tm = null;
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509TrustManager x) {
                    tm = x;
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), new TrustManager[]{tm}, random);
            return new SaeCredentials(commonName(chain.getFirst()), ctx, tm);
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The subject CN of the client certificate: the SAE id a QSTCS KME sees. */
    public String saeId() {
        return saeId;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }

    @Override
    public String toString() {
        return "SaeCredentials[" + saeId + "]";
    }

    private static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add((X509Certificate) cf.generateCertificate(
                        new ByteArrayInputStream(Base64.getMimeDecoder().decode(m.group(2)))));
            }
        }
        return out;
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        try {
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
            for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (GeneralSecurityException tryNext) {
                    // the next algorithm
                }
            }
            throw new GeneralSecurityException("the private key is not an EC, RSA or Ed25519 PKCS#8 key");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static String commonName(X509Certificate cert) {
        for (String part : cert.getSubjectX500Principal().getName().split(",")) {
            String p = part.strip();
            if (p.regionMatches(true, 0, "CN=", 0, 3)) {
                return p.substring(3);
            }
        }
        return cert.getSubjectX500Principal().getName();
    }
}
