package qstcs.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.Method;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    @Test
    void templatesMatchSegments() {
        assertTrue(RouteTable.matches("/link_status", "/link_status"));
        assertFalse(RouteTable.matches("/link_status", "/link_status/x"));
        assertFalse(RouteTable.matches("/link_status", "/link"));
        assertTrue(RouteTable.matches("/keys/{key_id}", "/keys/abc"));
        assertTrue(RouteTable.matches("/keys/{key_id}", "/keys/a/b"), "a trailing parameter takes the rest");
        assertFalse(RouteTable.matches("/keys/{key_id}", "/keys/"));
        assertFalse(RouteTable.matches("/keys/{key_id}", "/keys"));
        assertTrue(RouteTable.matches("/api/v1/keys/{sae}/status", "/api/v1/keys/sae-1/status"));
        assertFalse(RouteTable.matches("/api/v1/keys/{sae}/status", "/api/v1/keys//status"));
        assertFalse(RouteTable.matches("/api/v1/keys/{sae}/status", "/api/v1/keys/sae-1/other"));
    }

    @Test
    void allowedMethodsComeFromTheTable() {
        RouteTable<String, String> table = new RouteTable<>((access, req) -> access, (metric, nanos) -> { });
        io.helidon.webserver.http.HttpRouting.Builder rules = io.helidon.webserver.http.HttpRouting.builder();
        table.add(rules, Method.GET, "/keys/{key_id}", "device", "keys", (g, req, res) -> { });
        table.add(rules, Method.GET, "/admin/devices", "operator", "admin_devices", (g, req, res) -> { });
        table.add(rules, Method.DELETE, "/admin/devices/{id}", "operator", "admin_revoke", (g, req, res) -> { });
        assertEquals(Set.of("GET"), table.allowedMethods("/keys/x"));
        assertEquals(Set.of("DELETE"), table.allowedMethods("/admin/devices/x"));
        assertEquals(Set.of("GET"), table.allowedMethods("/admin/devices"));
        assertEquals(Set.of(), table.allowedMethods("/nothing"));
        assertEquals("admin_revoke", table.find(Method.DELETE, "/admin/devices/Alpha").orElseThrow().metric());
    }
}
