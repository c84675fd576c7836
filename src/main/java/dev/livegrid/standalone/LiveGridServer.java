package dev.livegrid.standalone;

import dev.livegrid.config.AuthSettings;
import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.endpoint.EchoEndpoint;
import dev.livegrid.endpoint.EchoParameterCheck;
import dev.livegrid.endpoint.LiveGridConfigurator;
import dev.livegrid.endpoint.LiveGridContext;
import dev.livegrid.endpoint.SheetAccessCheck;
import dev.livegrid.endpoint.SheetEndpoint;
import dev.livegrid.endpoint.SheetParameterCheck;
import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.guard.OriginCheck;
import dev.livegrid.guard.ProtocolCheck;
import dev.livegrid.http.SecurityHeaders;
import dev.livegrid.http.SheetApi;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The standalone LiveGrid server: Tyrus on one Grizzly listener that also serves {@code webapp/}.
 * Start it with {@link #start(Settings)} (port 0 for a free port), read {@link #port()} or
 * {@link #baseUri()}, and {@link #close()} it. The launcher's {@code main} and the tests use this
 * same factory.
 * <p>
 * Grizzly's listener is built here rather than through Tyrus's {@code Server}, which binds 0.0.0.0
 * whatever host it is given; this also lets LiveGrid put its protocol guards around Tyrus.
 */
public final class LiveGridServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LiveGridServer.class.getName());
    private static final String CONTEXT_PATH = "";
    /** How long a closing WebSocket may take to deliver its close before its socket is cut. */
    /** How long a stopping server waits for its clients to answer its 1001 close. */
    static final Duration GOODBYE_PATIENCE = Duration.ofSeconds(2);

    private final Settings settings;
    private final HttpServer http;
    private final NetworkListener listener;
    private final TyrusServerContainer container;
    private final LiveGridContext context;
    private final AbuseLimits limits;
    private final UpgradingConnection upgrading;

    private LiveGridServer(Settings settings, HttpServer http, NetworkListener listener,
                           TyrusServerContainer container, LiveGridContext context, AbuseLimits limits,
                           UpgradingConnection upgrading) {
        this.settings = settings;
        this.http = http;
        this.listener = listener;
        this.container = container;
        this.context = context;
        this.limits = limits;
        this.upgrading = upgrading;
    }

    /** Starts a server with these settings; it is listening when this returns. */
    public static LiveGridServer start(Settings settings) throws IOException {
        if (settings.auth().mode() == AuthSettings.Mode.CONTAINER) {
            throw new InvalidSettingException(Setting.AUTH, "container", "none or token on the standalone server;"
                    + " container is for the WAR, where the Jakarta EE server signs users in");
        }
        LiveGridContext context = new LiveGridContext(settings);
        TyrusServerContainer container = container(FrameGuardFilter.tyrusBufferSize(settings.maxMessageSize()));
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("livegrid", settings.bindAddress(), settings.port());
        AbuseLimits limits = new AbuseLimits(settings, context.scheduler(), context.meters());
        UpgradingConnection upgrading;
        try {
            registerEndpoints(container, context);
            upgrading = configure(listener, context, container);
            listener.registerAddOn(limits); // after the guards: it needs Tyrus's filter in the chain
            http.addListener(listener);
            http.getServerConfiguration().setDefaultErrorPageGenerator(new PlainErrorPage());
            // Grizzly refuses a body on GET or DELETE with an empty 400; servlet containers take it, and the API ignores it.
            http.getServerConfiguration().setAllowPayloadForUndefinedHttpMethods(true);
            http.getServerConfiguration().addHttpHandler(new ApiHttpHandler(
                    new SheetApi(context.rooms(), settings, context.authenticator()),
                    context.operatorEndpoints(),
                    new SecurityHeaders(settings.frameAncestors()),
                    new WebappFiles(LiveGridServer.class.getClassLoader(), "webapp")), "/");
            http.start();
        } catch (IOException | RuntimeException e) {
            http.shutdownNow();
            container.stop();
            limits.close();
            context.close();
            throw e;
        }
        LiveGridServer server = new LiveGridServer(settings, http, listener, container, context, limits, upgrading);
        LOG.info(server.describeUrls());
        warnIfOpenToTheNetwork(settings);
        return server;
    }

    public int port() {
        return listener.getPort();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * WebSockets counted against {@code max-connections} now: open ones, and handshakes admitted and
     * being answered. Zero once every client is gone, however its connection ended.
     */
    public int openWebSockets() {
        return limits.openWebSockets();
    }

    /** WebSocket sessions open now (sheet viewers and echo clients): those the heartbeat pings. */
    public int openSessions() {
        return context.heartbeat().size();
    }

    /** {@code http://host:port/}; the host is the bind address, or localhost when bound to every interface. */
    public URI baseUri() {
        return URI.create("http://" + hostForUrls() + ":" + port() + "/");
    }

    /** The WebSocket URI of a path such as {@code /echo}. */
    public URI webSocketUri(String path) {
        return URI.create("ws://" + hostForUrls() + ":" + port() + path);
    }

    /**
     * Says goodbye to every open WebSocket (1001, after what is queued for it, waiting up to
     * {@link #GOODBYE_PATIENCE} for them to close), then stops accepting connections, closes what is
     * left and shuts every executor down.
     */
    @Override
    public void close() {
        context.heartbeat().closeAll(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "the server is shutting down"),
                GOODBYE_PATIENCE);
        http.shutdownNow();
        container.stop();
        limits.close();
        context.close();
        LOG.fine(() -> "LiveGrid on port " + port() + " stopped");
    }

    private String describeUrls() {
        return "LiveGrid serving " + baseUri() + " (sheets " + webSocketUri("/sheets/") + "{sheetId}, echo "
                + webSocketUri(EchoEndpoint.PATH) + ") on " + settings.bindAddress() + ":" + port()
                + " with auth " + settings.auth().mode().wire();
    }

    /** Without access control, listening beyond this machine lets anyone who can reach the port do anything. */
    private static void warnIfOpenToTheNetwork(Settings settings) {
        if (settings.auth().mode() != AuthSettings.Mode.NONE) {
            return;
        }
        try {
            if (!InetAddress.getByName(settings.bindAddress()).isLoopbackAddress()) {
                LOG.warning(() -> "livegrid.auth is none and the server listens on " + settings.bindAddress()
                        + ": anyone who can reach this port can read, change and delete every sheet. Set"
                        + " LIVEGRID_AUTH=token (see docs/SECURITY.md), or LIVEGRID_BIND=127.0.0.1.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String hostForUrls() {
        try {
            InetAddress address = InetAddress.getByName(settings.bindAddress());
            if (address.isAnyLocalAddress()) {
                return "localhost";
            }
            String host = address.getHostAddress();
            return host.contains(":") ? "[" + host + "]" : host;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void registerEndpoints(TyrusServerContainer container, LiveGridContext context) throws IOException {
        try {
            LiveGridConfigurator.registering(context, () -> {
                container.register(EchoEndpoint.class);
                container.register(SheetEndpoint.class);
                return null;
            });
        } catch (Exception e) {
            throw new IOException("cannot register LiveGrid's endpoints: " + e.getMessage(), e);
        }
    }

    /** WebSocket sessions opened so far whose outbox writes frames to their connection itself (all of them, normally). */
    int framedSessions() {
        return upgrading.channelsGiven();
    }

    private static UpgradingConnection configure(NetworkListener listener, LiveGridContext context,
                                                 TyrusServerContainer container) {
        Settings settings = context.settings();
        List<HandshakeCheck> checks = List.of(
                new ProtocolCheck(),
                new OriginCheck(settings.allowedOrigins()),
                new EchoParameterCheck(CONTEXT_PATH, settings.maxMessageSize(), true),
                new SheetParameterCheck(CONTEXT_PATH),
                new SheetAccessCheck(CONTEXT_PATH, context));
        TCPNIOTransport transport = listener.getTransport();
        // Tyrus hands frames to endpoints on the thread that read them: keep that off the selector.
        transport.setIOStrategy(WorkerThreadIOStrategy.getInstance());
        // WebSocket sessions stay open while idle; the heartbeat finds the dead ones. Grizzly's idle timeout
        // would cut them too: RequestTimeouts (AbuseLimits) times plain-HTTP connections instead.
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        FrameGuardFilter frameGuard = new FrameGuardFilter(settings.maxMessageSize(), context.scheduler(), settings.closeGrace());
        // Outboxes write their text frames straight to the connection (see GrizzlyFrameChannel).
        UpgradingConnection upgrading = new UpgradingConnection(frameGuard);
        context.useFrameChannels(upgrading);
        listener.registerAddOn(new GuardAddOn(container, CONTEXT_PATH, checks, frameGuard, upgrading,
                new ConnectionFaultsFilter(context.scheduler()), context.meters()));
        return upgrading;
    }

    /** Tyrus's server container around its engine, as Tyrus's own Grizzly container builds it. */
    private static TyrusServerContainer container(int incomingBufferSize) {
        return new TyrusServerContainer((Set<Class<?>>) null) {
            private final WebSocketEngine engine =
                    TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();

            @Override
            public void register(Class<?> endpointClass) throws DeploymentException {
                engine.register(endpointClass, CONTEXT_PATH);
            }

            @Override
            public void register(ServerEndpointConfig config) throws DeploymentException {
                engine.register(config, CONTEXT_PATH);
            }

            @Override
            public WebSocketEngine getWebSocketEngine() {
                return engine;
            }

            @Override
            public Map<String, Object> getProperties() {
                return Map.of();
            }
        };
    }
}
