package qstcs.kms.etsi014;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.crypto.wire.DeviceId;
import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.RouteClass;
import qstcs.kms.identity.SecurityAudit;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;
import qstcs.server.http.RouteTable;
import qstcs.server.pki.LocalCa;
import qstcs.server.pki.SaeIdentity;
import qstcs.server.pki.SaeRegistry;

/**
 * The operator's routes for ETSI 014 SAE client certificates, the same work as
 * {@code ./qstcs kms issue-cert --for sae} and {@code revoke-cert}: {@code GET /admin/sae-certs}
 * lists them, {@code POST /admin/sae-certs} issues one and answers with the PEM file (private key
 * and chain; sent once with {@code Cache-Control: no-store}, never logged or kept here),
 * {@code DELETE /admin/sae-certs/{sae_id}} revokes every certificate of that SAE.
 */
public final class SaeCertificateService {
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Pattern ID_TEXT = Pattern.compile(".{1,200}", Pattern.DOTALL);
    private static final long MAX_BODY = 4 * 1024;

    private final Path kmsDir;
    private final InstantSource clock;
    private final SecurityAudit audit;

    /**
     * @param kmsDir the KMS state directory holding the local CA and the {@link SaeRegistry}
     */
    public SaeCertificateService(Path kmsDir, InstantSource clock, SecurityAudit audit) {
        this.kmsDir = kmsDir;
        this.clock = clock;
        this.audit = audit;
    }

    /** Adds the routes to a listener's route table (operator only, TLS). */
    public void register(HttpRules rules, RouteTable<RouteClass, AccessGrant> routes) {
        routes.add(rules, Method.GET, "/admin/sae-certs", RouteClass.OPERATOR, "admin_sae_certs", this::list)
                .add(rules, Method.POST, "/admin/sae-certs", RouteClass.OPERATOR, "admin_sae_cert_issue", this::issue)
                .add(rules, Method.DELETE, "/admin/sae-certs/{id}", RouteClass.OPERATOR, "admin_sae_cert_revoke",
                        this::revoke);
    }

    private void list(AccessGrant operator, ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        ArrayNode certs = out.putArray("certificates");
        for (SaeRegistry.Entry e : entries()) {
            ObjectNode o = certs.addObject();
            o.put("serial", e.serial().toString(16));
            o.put("sae_id", e.saeId());
            o.put("issued_at", e.issuedAt().toString());
            o.put("expires_at", e.issuedAt().plus(VALIDITY).toString());
            o.put("revoked", e.revokedAt() != null);
            if (e.revokedAt() != null) {
                o.put("revoked_at", e.revokedAt().toString());
            } else {
                o.putNull("revoked_at");
            }
        }
        Json.send(res, Status.OK_200, out);
    }

    private void issue(AccessGrant operator, ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, MAX_BODY, Set.of("sae_id"), false);
        String saeId = saeId(body.requiredText("sae_id", ID_TEXT, "an SAE id"));
        SaeIdentity id;
        try {
            id = LocalCa.loadOrCreate(kmsDir, clock).issueSae(saeId, VALIDITY);
            // Registered before it leaves: a certificate nobody received is harmless, one the KMS
            // does not know would be refused.
            SaeRegistry.recordIssued(kmsDir, id.certificate().getSerialNumber(), saeId, clock.instant());
        } catch (IOException e) {
            throw ApiError.unavailable("ca_unavailable", "the local CA or the SAE registry cannot be written");
        }
        String serial = id.certificate().getSerialNumber().toString(16);
        audit.record("sae_certificate_issued", operator.actor(), "client certificate " + serial + " for SAE " + saeId
                + ", valid " + VALIDITY.toDays() + " days; key and chain sent to the operator, not kept");
        res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + saeId + ".pem\"");
        res.header("X-QSTCS-Serial", serial);
        res.status(Status.OK_200).send(id.pemBytes());
    }

    private void revoke(AccessGrant operator, ServerRequest req, ServerResponse res) {
        String saeId = saeId(req.path().pathParameters().get("id"));
        int n;
        try {
            if (entries().stream().noneMatch(e -> e.saeId().equals(saeId))) {
                throw ApiError.notFound("unknown_sae", "no certificate was issued to SAE " + saeId);
            }
            n = SaeRegistry.revoke(kmsDir, saeId, clock.instant());
        } catch (IOException e) {
            throw ApiError.unavailable("registry_unavailable", "the SAE registry cannot be written");
        }
        if (n > 0) {
            audit.record("sae_certificate_revoked", operator.actor(), n + " certificate(s) of SAE " + saeId
                    + " revoked; its key routes answer 401 from the next request");
        }
        ObjectNode out = Json.object();
        out.put("sae_id", saeId);
        out.put("revoked", n);
        Json.send(res, Status.OK_200, out);
    }

    private java.util.List<SaeRegistry.Entry> entries() {
        try {
            return SaeRegistry.list(kmsDir);
        } catch (IOException e) {
            throw ApiError.unavailable("registry_unavailable", "the SAE registry cannot be read");
        }
    }

    private static String saeId(String raw) {
        if (!DeviceId.isValid(raw)) {
            throw ApiError.badRequest("invalid_sae_id", "an SAE id is " + DeviceId.RULE);
        }
        return raw;
    }
}
