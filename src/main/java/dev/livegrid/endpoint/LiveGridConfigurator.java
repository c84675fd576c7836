package dev.livegrid.endpoint;

import jakarta.websocket.server.ServerEndpointConfig;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Callable;

/**
 * Creates LiveGrid's endpoints with the {@link LiveGridContext} of the deployment they belong to.
 * <p>
 * Endpoints are instantiated per connection by the WebSocket runtime, which also instantiates this
 * configurator (once per endpoint class and server) from the annotation. A server therefore
 * registers its endpoints inside {@link #registering}: the configurator created during that call
 * captures the context of that server, so several servers can run in one JVM (as tests do).
 */
public final class LiveGridConfigurator extends ServerEndpointConfig.Configurator {

    private static final ThreadLocal<LiveGridContext> REGISTERING = new ThreadLocal<>();

    private final LiveGridContext context = REGISTERING.get();

    /** Runs {@code registration} (e.g. {@code container.addEndpoint(...)}) on behalf of {@code context}. */
    public static <T> T registering(LiveGridContext context, Callable<T> registration) throws Exception {
        REGISTERING.set(context);
        try {
            return registration.call();
        } finally {
            REGISTERING.remove();
        }
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (context == null) {
            throw new InstantiationException("LiveGrid endpoint " + endpointClass.getName()
                    + " was registered outside LiveGridConfigurator.registering: no LiveGridContext to give it");
        }
        try {
            return endpointClass.getConstructor(LiveGridContext.class).newInstance(context);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            InstantiationException failure = new InstantiationException("cannot create " + endpointClass.getName());
            failure.initCause(e);
            throw failure;
        }
    }
}
