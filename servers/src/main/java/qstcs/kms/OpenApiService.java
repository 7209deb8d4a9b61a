package qstcs.kms;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.kms.identity.RouteClass;

/**
 * {@code GET /openapi}: the OpenAPI 3 document of every KMS route, kept in the repository as
 * {@code servers/src/main/resources/openapi.yaml} and served as it is. A static file rather than
 * Helidon's generated one: the routes are hand-written handlers without annotations, so the
 * document is written by hand too, and tests hold real responses against it.
 */
final class OpenApiService implements HttpService {
    /** The classpath resource. */
    static final String RESOURCE = "/openapi.yaml";
    private final byte[] document;
    private final RouteGuard guard;

    OpenApiService(RouteGuard guard) {
        this.guard = guard;
        try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the KMS's classpath");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        guard.add(rules, Method.GET, "/openapi", RouteClass.PUBLIC, "openapi", (grant, req, res) -> serve(req, res));
    }

    private void serve(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=UTF-8");
        res.send(document);
    }
}
