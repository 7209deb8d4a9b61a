package qstcs.kms.etsi014;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.crypto.keys.SecretBytes;
import qstcs.kms.identity.Authenticator;
import qstcs.kms.identity.SecurityAudit;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * The three ETSI GS QKD 014 routes under {@code /api/v1/keys/}: {@code {slave}/status},
 * {@code {slave}/enc_keys} (master SAE) and {@code {master}/dec_keys} (slave SAE). Every answer is
 * 200, 400 (the standard's error object), 401 or 503 — also for unknown paths and methods under
 * {@code /api/v1/}, malformed bodies and internal failures — because 014 clients know no others.
 */
public final class Etsi014Service implements HttpService {
    /** Every ETSI 014 route lives under this prefix. */
    public static final String PREFIX = "/api/v1";
    private static final System.Logger LOG = System.getLogger(Etsi014Service.class.getName());

    private final Etsi014Limits limits;
    private final SaeAuthenticator authenticator;
    private final LinkKeySupply supply;
    private final DeliveredKeys delivered;
    private final long maxBodyBytes;
    private final SecurityAudit audit;

    Etsi014Service(Etsi014Limits limits, SaeAuthenticator authenticator, LinkKeySupply supply, DeliveredKeys delivered,
                   long maxBodyBytes, SecurityAudit audit) {
        this.audit = audit;
        this.limits = limits;
        this.authenticator = authenticator;
        this.supply = supply;
        this.delivered = delivered;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(PREFIX, this::handle).any(PREFIX + "/*", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        String caller = null;
        try {
            caller = authenticator.authenticate(req);
            dispatch(caller, req, res);
        } catch (EtsiError e) {
            if (e.status() == 401) {
                // Like every other refusal of the KMS: audited with route, caller and reason, never a key.
                audit.record("auth_failure", (caller == null ? "anonymous" : "sae:" + caller) + "@"
                        + Authenticator.peerAddress(req), req.prologue().method().text() + " " + req.path().path()
                        + " refused (401): " + e.getMessage());
            }
            sendError(res, e);
        } catch (ApiError e) {
            // Body limits and JSON syntax from the shared readers: still the standard's 400.
            sendError(res, EtsiError.badRequest(e.detail()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "ETSI 014 request failed: " + e.getClass().getName());
            sendError(res, EtsiError.unavailable("the KME could not serve this request; retry later"));
        }
    }

    private void dispatch(String caller, ServerRequest req, ServerResponse res) {
        List<String> segments = segments(req.path().rawPath());
        if (segments.size() != 5 || !segments.get(2).equals("keys")) {
            throw EtsiError.badRequest("no such ETSI 014 route; use /api/v1/keys/{SAE_ID}/status, enc_keys or dec_keys");
        }
        String sae = segments.get(3);
        String route = segments.get(4);
        Method method = req.prologue().method();
        boolean get = method.equals(Method.GET);
        boolean post = method.equals(Method.POST);
        switch (route) {
            case "status" -> {
                requireMethod(get, method, route, "GET");
                status(caller, requireSae(sae, "slave_SAE_ID", caller), res);
            }
            case "enc_keys" -> {
                requireMethod(get || post, method, route, "GET or POST");
                String slave = requireSae(sae, "slave_SAE_ID", caller);
                KeyRequests.KeyRequest request = post
                        ? KeyRequests.keyRequest(body(req), limits, caller, slave)
                        : KeyRequests.keyRequest(query(req), limits);
                encKeys(caller, slave, request, res);
            }
            case "dec_keys" -> {
                requireMethod(get || post, method, route, "GET or POST");
                String master = requireSae(sae, "master_SAE_ID", caller);
                List<UUID> ids = post ? KeyRequests.keyIds(body(req), limits) : KeyRequests.keyIds(query(req));
                decKeys(caller, master, ids, res);
            }
            default -> throw EtsiError.badRequest("no such ETSI 014 route; use /api/v1/keys/{SAE_ID}/status, enc_keys"
                    + " or dec_keys");
        }
    }

    private void status(String master, String slave, ServerResponse res) {
        if (supply.red()) {
            throw EtsiError.unavailable("the quantum link is RED (possible eavesdropping): no keys until an operator resets it");
        }
        long stored = supply.storedBits() / limits.keySize();
        long max = Math.max(stored, supply.capacityBits() / limits.keySize());
        ObjectNode o = Json.object();
        o.put("source_KME_ID", limits.kmeId());
        o.put("target_KME_ID", limits.kmeId());
        o.put("master_SAE_ID", master);
        o.put("slave_SAE_ID", slave);
        o.put("key_size", limits.keySize());
        o.put("stored_key_count", stored);
        o.put("max_key_count", max);
        o.put("max_key_per_request", limits.maxKeyPerRequest());
        o.put("max_key_size", limits.maxKeySize());
        o.put("min_key_size", limits.minKeySize());
        o.put("max_SAE_ID_count", limits.maxSaeIdCount());
        Json.send(res, Status.OK_200, o);
    }

    private void encKeys(String master, String slave, KeyRequests.KeyRequest request, ServerResponse res) {
        long epoch = delivered.epoch();
        LinkKeySupply.Draw draw = supply.draw(request.size(), request.number());
        List<SecretBytes> drawn = switch (draw) {
            case LinkKeySupply.Drawn d -> d.keys();
            case LinkKeySupply.LinkRed r -> throw EtsiError.unavailable(
                    "the quantum link is RED (possible eavesdropping): no keys until an operator resets it");
            case LinkKeySupply.PoolShort p -> throw EtsiError.unavailable(
                    "the KME's key pool cannot serve " + request.number() + " key(s) of " + request.size()
                            + " bits now; retry shortly");
            case LinkKeySupply.Standby s -> throw EtsiError.unavailable(
                    "this KME process is a standby; another process on the shared database serves keys");
        };
        Set<String> slaves = new LinkedHashSet<>();
        slaves.add(slave);
        slaves.addAll(request.additionalSlaves());
        List<DeliveredKeys.IdentifiedKey> keys = delivered.deposit(epoch, master, slaves, drawn);
        if (keys.isEmpty()) {
            throw EtsiError.unavailable("the quantum link changed state while the keys were drawn; retry");
        }
        sendKeys(res, keys);
    }

    private void decKeys(String slave, String master, List<UUID> ids, ServerResponse res) {
        if (supply.red()) {
            throw EtsiError.unavailable("the quantum link is RED (possible eavesdropping): no keys until an operator resets it");
        }
        switch (delivered.take(master, slave, ids)) {
            case DeliveredKeys.Taken t -> sendKeys(res, t.keys());
            case DeliveredKeys.NotFound n -> throw EtsiError.badRequest(KeyRequests.KEYS_NOT_FOUND,
                    List.of(Map.of("key_IDs_not_found", n.ids().stream().map(UUID::toString).toList())));
            case DeliveredKeys.NotEntitled n -> throw EtsiError.unauthorized(
                    "SAE " + slave + " was not a slave of the request that made these keys");
        }
    }

    /** Key container (Table 11): {@code keys: [{key_ID, key}]}, key in base64. Wipes the keys. */
    private static void sendKeys(ServerResponse res, List<DeliveredKeys.IdentifiedKey> keys) {
        ObjectNode o = Json.object();
        ArrayNode array = o.putArray("keys");
        for (DeliveredKeys.IdentifiedKey k : keys) {
            byte[] raw = k.key().toByteArray();
            try {
                array.addObject().put("key_ID", k.id().toString()).put("key", Base64.getEncoder().encodeToString(raw));
            } finally {
                java.util.Arrays.fill(raw, (byte) 0);
                k.key().destroy();
            }
        }
        Json.send(res, Status.OK_200, o);
    }

    private static void sendError(ServerResponse res, EtsiError e) {
        ObjectNode o = Json.object();
        o.put("message", e.getMessage());
        if (!e.details().isEmpty()) {
            o.set("details", Json.tree(e.details()));
        }
        Json.send(res, Status.create(e.status()), o);
    }

    private JsonNode body(ServerRequest req) {
        byte[] bytes = JsonRequest.readBody(req, maxBodyBytes);
        if (bytes.length == 0) {
            throw EtsiError.badRequest("a JSON body is required for POST");
        }
        return Json.parse(bytes);
    }

    private static Map<String, List<String>> query(ServerRequest req) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            q.put(name, req.query().all(name));
        }
        return q;
    }

    private static void requireMethod(boolean allowed, Method method, String route, String expected) {
        if (!allowed) {
            throw EtsiError.badRequest(method.text() + " is not supported on " + route + "; use " + expected);
        }
    }

    private static String requireSae(String id, String name, String caller) {
        if (!SaeIds.valid(id)) {
            throw EtsiError.badRequest(name + " shall be an SAE id (" + SaeIds.RULE + ")");
        }
        if (id.equals(caller)) {
            throw EtsiError.badRequest(name + " shall name another SAE than the caller");
        }
        return id;
    }

    /** Path segments, each percent-decoded on its own (so an encoded '/' stays inside its segment). */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            try {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw EtsiError.badRequest("the path is not validly percent-encoded");
            }
        }
        // "/api/v1/keys/X/status" splits as "", "api", "v1", "keys", "X", "status".
        return out.size() > 1 ? out.subList(1, out.size()) : out;
    }
}
