package qstcs.kms.etsi014;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import io.helidon.webserver.http.ServerRequest;

import qstcs.server.pki.SaeRegistry;

/**
 * Who an ETSI 014 request comes from: the subject CN of the client certificate the TLS
 * handshake received, if that certificate was signed by the local CA, is within its validity,
 * allows clientAuth, and is listed (and not revoked) in the {@link SaeRegistry}. Anything else
 * is a 401. Tokens are never looked at: they do not grant these routes.
 */
final class SaeAuthenticator {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int CACHE_LIMIT = 10_000;

    private final X509Certificate ca;
    private final SaeRegistry registry;
    private final InstantSource clock;
    /** Signature, key usage and CN checked once per certificate; validity and revocation every request. */
    private final Map<X509Certificate, String> verified = new ConcurrentHashMap<>();

    SaeAuthenticator(X509Certificate ca, SaeRegistry registry, InstantSource clock) {
        this.ca = ca;
        this.registry = registry;
        this.clock = clock;
    }

    /** The SAE id of the request's client certificate, or a 401 {@link EtsiError}. */
    String authenticate(ServerRequest req) {
        Optional<Certificate[]> chain = req.isSecure() ? req.remotePeer().tlsCertificates() : Optional.empty();
        if (chain.isEmpty() || chain.get().length == 0 || !(chain.get()[0] instanceof X509Certificate leaf)) {
            throw EtsiError.unauthorized("a client certificate issued to this SAE by the KME's CA is required"
                    + " (mutual TLS on the KME's TLS port)");
        }
        return authenticate(leaf);
    }

    String authenticate(X509Certificate leaf) {
        String sae = verified.get(leaf);
        if (sae == null) {
            sae = verify(leaf);
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
            verified.put(leaf, sae);
        }
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (GeneralSecurityException e) {
            throw EtsiError.unauthorized("the client certificate is expired or not yet valid");
        }
        switch (registry.standing(leaf.getSerialNumber())) {
            case ACTIVE -> {
                return sae;
            }
            case REVOKED -> throw EtsiError.unauthorized("the client certificate of SAE " + sae + " has been revoked");
            default -> throw EtsiError.unauthorized("the client certificate was not issued to an SAE by this KME");
        }
    }

    private String verify(X509Certificate leaf) {
        try {
            if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                throw new GeneralSecurityException("other issuer");
            }
            leaf.verify(ca.getPublicKey());
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku == null || !eku.contains(CLIENT_AUTH) || leaf.getBasicConstraints() != -1) {
                throw EtsiError.unauthorized("the client certificate is not an SAE (clientAuth) certificate");
            }
        } catch (GeneralSecurityException e) {
            throw EtsiError.unauthorized("the client certificate was not issued by this KME's CA");
        }
        String cn = commonName(leaf);
        if (!SaeIds.valid(cn)) {
            throw EtsiError.unauthorized("the client certificate's CN is not an SAE id");
        }
        return cn;
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
