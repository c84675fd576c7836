package dev.livegrid.endpoint;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.ContainerUser;
import dev.livegrid.access.CredentialsException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Creates LiveGrid's endpoints with the {@link LiveGridContext} of the deployment they belong to.
 * <p>
 * Endpoints are instantiated per connection by the WebSocket runtime, which also instantiates this
 * configurator (once per endpoint class and server) from the annotation. A server therefore
 * registers its endpoints inside {@link #registering}: the configurator created during that call
 * captures the context of that server, so several servers can run in one JVM (as tests do).
 * <p>
 * Inside a Jakarta EE server the container scans and registers the endpoints itself, on threads
 * and at moments of its choosing, so the WAR's listener {@linkplain #deploy publishes} its context
 * instead. The WAR's classes belong to its own class loader, so this is one context per deployment,
 * and a redeploy starts from a fresh class.
 */
public final class LiveGridConfigurator extends ServerEndpointConfig.Configurator {

    private static final ThreadLocal<LiveGridContext> REGISTERING = new ThreadLocal<>();

    private static volatile LiveGridContext deployed;

    private final LiveGridContext registered = REGISTERING.get();

    /** Makes {@code context} the one of this deployment (WAR); endpoints opened from now on use it. */
    public static void deploy(LiveGridContext context) {
        deployed = context;
    }

    /** Withdraws the deployment's context (WAR undeploy): later connections are refused, not served by a closed context. */
    public static void undeploy(LiveGridContext context) {
        if (deployed == context) {
            deployed = null;
        }
    }

    /** Runs {@code registration} (e.g. {@code container.addEndpoint(...)}) on behalf of {@code context}. */
    public static <T> T registering(LiveGridContext context, Callable<T> registration) throws Exception {
        REGISTERING.set(context);
        try {
            return registration.call();
        } finally {
            REGISTERING.remove();
        }
    }

    /**
     * Identifies the caller of a sheet handshake once more (the handshake filter already refused those
     * it could not identify) and hands the result to the endpoint in the session's user properties,
     * which WebSocket 2.1 makes a per-connection copy at this point.
     */
    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        LiveGridContext context = registered != null ? registered : deployed;
        if (context == null || !context.authenticator().enabled() || !SheetEndpoint.PATH.equals(config.getPath())) {
            return; // /echo holds no data: it stays open to everyone
        }
        List<String> tokens = request.getParameterMap().get(Authenticator.TOKEN_PARAMETER);
        ContainerUser user = request.getUserPrincipal() == null ? null : new ContainerUser() {
            @Override
            public String name() {
                return request.getUserPrincipal().getName();
            }

            @Override
            public boolean isInRole(String role) {
                return request.isUserInRole(role);
            }
        };
        Object identity;
        try {
            identity = context.authenticator().identify(header(request, "Authorization"),
                    tokens == null || tokens.isEmpty() ? null : tokens.get(0), user, null);
        } catch (CredentialsException e) {
            identity = e;
        }
        config.getUserProperties().put(IDENTITY, identity);
    }

    /** The session's user property holding its {@link dev.livegrid.access.Identity} (or why there is none). */
    static final String IDENTITY = "livegrid.identity";

    private static String header(HandshakeRequest request, String name) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        LiveGridContext context = registered != null ? registered : deployed;
        if (context == null) {
            throw new InstantiationException("LiveGrid endpoint " + endpointClass.getName()
                    + " has no LiveGridContext: it was registered outside LiveGridConfigurator.registering,"
                    + " or the WAR's LiveGridDeployment listener has not started (or has stopped)");
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
