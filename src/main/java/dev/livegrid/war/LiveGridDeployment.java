package dev.livegrid.war;

import dev.livegrid.config.AuthSettings;
import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.endpoint.EchoEndpoint;
import dev.livegrid.endpoint.EchoParameterCheck;
import dev.livegrid.endpoint.LiveGridConfigurator;
import dev.livegrid.endpoint.LiveGridContext;
import dev.livegrid.endpoint.SheetAccessCheck;
import dev.livegrid.endpoint.SheetParameterCheck;
import dev.livegrid.guard.OriginCheck;
import dev.livegrid.guard.ProtocolCheck;
import dev.livegrid.http.SecurityHeaders;
import dev.livegrid.http.SheetApi;
import dev.livegrid.store.DataSourceSheetStore;
import dev.livegrid.store.SheetStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts LiveGrid when the WAR is deployed and stops all of it when it is undeployed.
 * <p>
 * Start: reads the settings (system property, environment variable, then a context parameter named
 * like the property, then the default), opens the store (the JNDI DataSource named by
 * {@code livegrid.data-source}, else the embedded SQLite store in {@code livegrid.data-dir}), builds
 * the {@link LiveGridContext} on the server's managed scheduled executor when it has one, publishes it
 * to the endpoints' configurator, and registers the API servlet, the handshake guard and the filter
 * of response headers. A setting or store that cannot be used fails the deployment with a message
 * naming it.
 * <p>
 * Stop: withdraws the context and closes it: heartbeat and timers cancelled, rooms and the store
 * closed (the data directory unlocked), LiveGrid's own executors shut down.
 */
@WebListener
public final class LiveGridDeployment implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(LiveGridDeployment.class.getName());

    private LiveGridContext context;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext servlet = event.getServletContext();
        try {
            Settings settings = Settings.from(systemProperties(), System.getenv(), contextParameters(servlet));
            Optional<ScheduledExecutorService> scheduler = ContainerResources.managedScheduler();
            SheetStore store = openStore(settings);
            context = new LiveGridContext(settings, store, scheduler.orElse(null));
            LiveGridConfigurator.deploy(context);
            register(servlet, context);
            LOG.info(() -> "LiveGrid started at " + servlet.getContextPath() + "/ (store " + describe(settings)
                    + ", heartbeat on " + (scheduler.isPresent() ? ContainerResources.DEFAULT_SCHEDULER
                    : "LiveGrid's own scheduler") + ")");
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "LiveGrid cannot start: " + e.getMessage(), e);
            stop();
            throw e;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        stop();
        LOG.info(() -> "LiveGrid at " + event.getServletContext().getContextPath() + "/ stopped");
    }

    private void stop() {
        if (context != null) {
            LiveGridConfigurator.undeploy(context);
            context.close();
            context = null;
        }
    }

    private static SheetStore openStore(Settings settings) {
        if (settings.jdbc().configured()) {
            throw new InvalidSettingException(Setting.JDBC_URL, "(not shown)", "empty in a Jakarta EE server: its store is a"
                    + " DataSource the server pools, named by " + Setting.DATA_SOURCE.displayName());
        }
        if (settings.usesDataSource()) {
            // Logs its own warnings (e.g. an H2 database that delays writes or lives in memory).
            return DataSourceSheetStore.open(ContainerResources.dataSource(settings.dataSource()), settings.dataSource());
        }
        return LiveGridContext.openStore(settings);
    }

    private static String describe(Settings settings) {
        return settings.usesDataSource() ? "DataSource " + settings.dataSource() : "data-dir " + settings.dataDir();
    }

    private static void register(ServletContext servlet, LiveGridContext context) {
        Settings settings = context.settings();
        String root = servlet.getContextPath();
        boolean containerLogin = settings.auth().mode() == AuthSettings.Mode.CONTAINER;
        servlet.addServlet("livegrid-api", new ApiServlet(new SheetApi(context.rooms(), settings, context.authenticator()),
                        context.operatorEndpoints(), containerLogin))
                .addMapping("/api", "/api/*", "/input-change", "/health", "/health/*", "/metrics");
        FilterRegistration.Dynamic guard = servlet.addFilter("livegrid-handshake-guard", new HandshakeGuard(List.of(
                new ProtocolCheck(),
                new OriginCheck(settings.allowedOrigins()),
                new EchoParameterCheck(root, settings.maxMessageSize(), false),
                new SheetParameterCheck(root),
                new SheetAccessCheck(root, context)), containerLogin, context.meters()));
        guard.setAsyncSupported(true);
        // Before every other filter: the container's WebSocket upgrade is itself a filter on some servers.
        guard.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, EchoEndpoint.PATH, "/sheets/*");
        // After the guard, so that its refusals look exactly like the standalone server's.
        FilterRegistration.Dynamic headers = servlet.addFilter("livegrid-security-headers",
                new SecurityHeaderFilter(new SecurityHeaders(settings.frameAncestors())));
        headers.setAsyncSupported(true);
        headers.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    private static Map<String, String> contextParameters(ServletContext servlet) {
        Map<String, String> parameters = new HashMap<>();
        for (String name : Collections.list(servlet.getInitParameterNames())) {
            parameters.put(name, servlet.getInitParameter(name));
        }
        return parameters;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, String> systemProperties() {
        return (Map) System.getProperties();
    }
}
