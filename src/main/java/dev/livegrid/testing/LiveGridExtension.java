package dev.livegrid.testing;

import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Starts an embedded LiveGrid for JUnit 5 tests and injects it: a test method, constructor or
 * lifecycle method that declares a {@link LiveGridServer} parameter gets one listening on a free
 * port of 127.0.0.1 with sheets in memory (a {@link LiveGridTokens} parameter gets the token minter of
 * a server with {@code auth=token}).
 * <p>
 * One server per test class, started on first use and closed (every thread stopped) after the class's
 * last test; one per test method with {@link LiveGridSettings#serverPerMethod()} or a
 * {@link LiveGridSettings} on the method, closed after that method. A per-method server exists only
 * around its method: inject it into the method, {@code @BeforeEach} or {@code @AfterEach}, not the
 * constructor or {@code @BeforeAll}. Safe under JUnit's parallel execution: servers never share a
 * port or any state, and the class's server is started once however many tests ask at the same time.
 */
public final class LiveGridExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

    private static final Logger LOG = Logger.getLogger(LiveGridExtension.class.getName());
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LiveGridExtension.class);
    /** The key of a method's own server in that method's store. */
    private static final String METHOD_SERVER = "method-server";

    /** A started server; not AutoCloseable, so that only this extension closes it, at a known point. */
    private record Running(LiveGridServer server) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LiveGridServer.class || type == LiveGridTokens.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LiveGridServer server = serverFor(context).server();
        if (parameter.getParameter().getType() == LiveGridTokens.class) {
            try {
                return LiveGridTokens.forServer(server.settings());
            } catch (IllegalStateException e) {
                throw new ParameterResolutionException(e.getMessage() + " (use @LiveGridSettings(auth = \"token\"))", e);
            }
        }
        return server;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close(context.getStore(NAMESPACE).remove(METHOD_SERVER, Running.class));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext owner = ServerOwners.classOwning(context);
        if (owner == context) {
            close(context.getStore(NAMESPACE).remove(classKey(context), Running.class));
        }
    }

    private static Running serverFor(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        if (method.isPresent() && ServerOwners.perMethod(context)) {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(METHOD_SERVER,
                    key -> start(ServerOwners.settingsOf(context), context.getDisplayName()), Running.class);
        }
        if (method.isEmpty() && ServerOwners.perMethod(context)) {
            throw new ParameterResolutionException("This test class has a LiveGrid server per test method, which exists"
                    + " only around each method: declare the LiveGridServer parameter on the test method, @BeforeEach"
                    + " or @AfterEach, not on the constructor or @BeforeAll");
        }
        ExtensionContext owner = ServerOwners.classOwning(context);
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(classKey(owner),
                key -> start(ServerOwners.settingsOf(owner), owner.getDisplayName()), Running.class);
    }

    /** Per owning class: a {@code @Nested} class with settings of its own must not find its enclosing class's server. */
    private static String classKey(ExtensionContext owner) {
        return "class-server:" + owner.getUniqueId();
    }

    private static Running start(Settings settings, String forWhom) {
        long started = System.nanoTime();
        try {
            LiveGridServer server = LiveGridServer.start(settings);
            Duration startup = Duration.ofNanos(System.nanoTime() - started);
            LOG.info(() -> "LiveGrid for " + forWhom + " started in " + startup.toMillis() + " ms at " + server.baseUri());
            return new Running(server);
        } catch (IOException e) {
            throw new UncheckedIOException("LiveGrid could not start for " + forWhom, e);
        }
    }

    private static void close(Running running) {
        if (running != null) {
            running.server().close();
        }
    }
}
