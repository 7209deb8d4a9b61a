package qstcs.kms;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One live KMS (default settings, real listeners) shared by every test class that extends with
 * this, started on first use and stopped when the test run ends. After each test the extension
 * resets the link ({@code POST /reset}: GREEN, Eve off, pool, keys, sessions and counters
 * cleared), so no test sees what another left behind and none has to remember to clean up.
 * Test classes receive the server as a parameter of their {@code @BeforeAll} or test methods.
 */
final class LiveKms implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LiveKms.class);

    /** Closed by JUnit when the root context closes, i.e. once after the last test of the run. */
    private record Shared(KmsTestServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    private static KmsTestServer server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, k -> new Shared(new KmsTestServer(KmsTestServer.tempHome())),
                        Shared.class)
                .server();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KmsTestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KmsTestServer.Reply reset = server(context).post("/reset", "");
        if (reset.code() != 200) {
            throw new AssertionError("the shared KMS did not reset: " + reset.code() + " " + reset.body());
        }
    }
}
