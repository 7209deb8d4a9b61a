package qstcs.server.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.home.StateHome;

/**
 * The installation's certificate authority: an EC P-256 key and self-signed certificate kept in
 * {@code ca.key} and {@code ca.crt} (both 0600) under the KMS state directory, created on first
 * use. It issues the KMS's and the relay's server certificates. Clients trust it by pinning its
 * {@linkplain #fingerprint() fingerprint}, so there is no trust-store file to distribute.
 */
public final class LocalCa {

    /** The CA files, relative to {@code $QSTCS_HOME/kms/}. */
    public static final String CERT_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    private static final String LOCK_FILE = ".ca.lock";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Server certificates start an hour early so a peer with a slow clock still accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    private LocalCa(PrivateKey key, X509Certificate certificate, InstantSource clock) {
        this.key = key;
        this.certificate = certificate;
        this.clock = clock;
    }

    /**
     * Loads the CA from {@code kmsDir}, creating it there first if absent. A file lock makes
     * concurrent first starts (KMS and relay on one machine) agree on one CA.
     */
    public static LocalCa loadOrCreate(Path kmsDir, InstantSource clock) throws IOException {
        Path lockFile = StateHome.privateFile(kmsDir.resolve(LOCK_FILE));
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Path certFile = kmsDir.resolve(CERT_FILE);
            Path keyFile = kmsDir.resolve(KEY_FILE);
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                return load(kmsDir, clock);
            }
            LocalCa ca = create(clock);
            // Key first: a crash in between leaves no certificate, so the next start creates a new CA.
            Files.writeString(StateHome.privateFile(keyFile), Pem.privateKey(ca.key), StandardCharsets.US_ASCII);
            Files.writeString(StateHome.privateFile(certFile), Pem.certificate(ca.certificate), StandardCharsets.US_ASCII);
            return ca;
        }
    }

    /** Loads an existing CA; fails with a clear message if the files are missing or unreadable. */
    public static LocalCa load(Path kmsDir, InstantSource clock) throws IOException {
        Path certFile = kmsDir.resolve(CERT_FILE);
        Path keyFile = kmsDir.resolve(KEY_FILE);
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            throw new IOException("no QSTCS CA in " + kmsDir + " (start the KMS once with this --home to create it)");
        }
        try {
            List<X509Certificate> certs = Pem.certificates(Files.readString(certFile, StandardCharsets.US_ASCII));
            PrivateKey key = Pem.ecPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
            if (certs.size() != 1) {
                throw new GeneralSecurityException("expected one certificate, found " + certs.size());
            }
            return new LocalCa(key, certs.getFirst(), clock);
        } catch (GeneralSecurityException e) {
            throw new IOException("the QSTCS CA in " + kmsDir + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Reads only the CA certificate (no key needed), e.g. for a relay that pins the KMS. */
    public static X509Certificate readCertificate(Path kmsDir) throws IOException {
        try {
            List<X509Certificate> certs = Pem.certificates(
                    Files.readString(kmsDir.resolve(CERT_FILE), StandardCharsets.US_ASCII));
            if (certs.isEmpty()) {
                throw new IOException("no certificate in " + kmsDir.resolve(CERT_FILE));
            }
            return certs.getFirst();
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable CA certificate in " + kmsDir + ": " + e.getMessage(), e);
        }
    }

    /** A fresh CA held in memory only (tests; {@link #loadOrCreate} persists one). */
    public static LocalCa create(InstantSource clock) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = clock.instant();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "QSTCS")
                    .addRDN(BCStyle.CN, "QSTCS local CA " + localHostName() + " " + now.getEpochSecond())
                    .build();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(new SecureRandom()),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new LocalCa(pair.getPrivate(), sign(builder, pair.getPrivate()), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the QSTCS CA", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public CaFingerprint fingerprint() {
        return CaFingerprint.of(certificate);
    }

    /**
     * Issues a TLS server certificate with a new key for {@code commonName}, valid for the given
     * host names and IP addresses (each entry becomes a DNS or IP subject alternative name).
     */
    public ServerIdentity issueServer(String commonName, Collection<String> sans, Duration validity) {
        Objects.requireNonNull(commonName, "commonName");
        if (sans.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name or address");
        }
        try {
            KeyPair pair = newKeyPair();
            X509v3CertificateBuilder builder = leaf("QSTCS", commonName, pair, validity, KeyPurposeId.id_kp_serverAuth)
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(sans));
            return new ServerIdentity(pair.getPrivate(), List.of(sign(builder, key), certificate));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a server certificate for " + commonName, e);
        }
    }

    /**
     * Issues a TLS client certificate (clientAuth only) with a new key for the ETSI 014 SAE
     * {@code saeId}: subject CN = the SAE id, which the KMS takes as the SAE's identity.
     */
    public SaeIdentity issueSae(String saeId, Duration validity) {
        Objects.requireNonNull(saeId, "saeId");
        try {
            KeyPair pair = newKeyPair();
            X509v3CertificateBuilder builder = leaf("QSTCS SAE", saeId, pair, validity, KeyPurposeId.id_kp_clientAuth);
            return new SaeIdentity(pair.getPrivate(), List.of(sign(builder, key), certificate));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue an SAE certificate for " + saeId, e);
        }
    }

    /** An end-entity certificate of this CA for one purpose (server or client authentication). */
    private X509v3CertificateBuilder leaf(String organisation, String commonName, KeyPair pair, Duration validity,
                                          KeyPurposeId purpose) throws GeneralSecurityException, CertIOException {
        Instant now = clock.instant();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, organisation).addRDN(BCStyle.CN, commonName).build();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        return new JcaX509v3CertificateBuilder(certificate, serial(random),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
    }

    @Override
    public String toString() {
        return "LocalCa[" + fingerprint() + "]";
    }

    private static GeneralNames generalNames(Collection<String> sans) {
        List<GeneralName> names = new ArrayList<>();
        for (String san : sans) {
            String s = san.strip();
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            if (s.isEmpty()) {
                continue;
            }
            boolean ip = s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            if (!ip && !s.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                throw new IllegalArgumentException("not a host name or IP address: '" + san + "'");
            }
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, s));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(126);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
        }
    }

    /** The host name goes into the CA's common name so two installations' CAs are told apart. */
    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
