package qstcs.crypto.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test-only CA and server certificates (the production CA lives in the servers module). */
final class TestPki {

    record Ca(KeyPair keys, X509Certificate cert) {
        CaFingerprint fingerprint() {
            return CaFingerprint.of(cert);
        }
    }

    record Server(PrivateKey key, X509Certificate[] chain) {
        SSLContext serverContext() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, new char[0], chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static Ca ca(String cn) throws Exception {
        KeyPair keys = ecKeys();
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(RANDOM.nextLong() >>> 1),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        return new Ca(keys, sign(b, keys.getPrivate()));
    }

    /** A server certificate for {@code sans} (IP literals become IP names), chain [leaf, ca]. */
    static Server server(Ca signer, X509Certificate caInChain, List<String> sans, Instant notBefore, Instant notAfter,
                         boolean serverAuth) throws Exception {
        KeyPair keys = ecKeys();
        GeneralName[] names = sans.stream()
                .map(s -> new GeneralName(s.matches("[0-9.]+") || s.contains(":") ? GeneralName.iPAddress : GeneralName.dNSName, s))
                .toArray(GeneralName[]::new);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(signer.cert(), BigInteger.valueOf(RANDOM.nextLong() >>> 1),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=test server"), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        serverAuth ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        X509Certificate leaf = sign(b, signer.keys().getPrivate());
        X509Certificate[] chain = caInChain == null ? new X509Certificate[] {leaf} : new X509Certificate[] {leaf, caInChain};
        return new Server(keys.getPrivate(), chain);
    }

    static Server server(Ca ca, List<String> sans) throws Exception {
        Instant now = Instant.now();
        return server(ca, ca.cert(), sans, now.minusSeconds(60), now.plus(Duration.ofDays(1)), true);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
