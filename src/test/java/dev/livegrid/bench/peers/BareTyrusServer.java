package dev.livegrid.bench.peers;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The bare-framework peer of bench/compare.sh: Tyrus and Grizzly at LiveGrid's versions serving
 * {@link EchoPeer} ({@code /echo}) and {@link HubPeer} ({@code /hub/{room}}) — the simplest correct
 * code a framework user would write, nothing tuned. It is wired as Tyrus's own
 * {@code org.glassfish.tyrus.server.Server} wires it (Tyrus's engine behind its Grizzly add-on,
 * Grizzly's worker-thread I/O strategy, default pools) except for the listener, which Tyrus's
 * {@code Server} binds to 0.0.0.0 whatever host it is given: this one listens on 127.0.0.1 only.
 *
 * <pre>java -cp … dev.livegrid.bench.peers.BareTyrusServer PORT [HEARTBEAT_SECONDS]</pre>
 *
 * With a heartbeat, every open session is pinged that often (as LiveGrid's {@code ping-interval}
 * does), so the idle mode compares like with like. Runs until killed.
 */
public final class BareTyrusServer {

    private BareTyrusServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        double heartbeat = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        Running running = start(port, heartbeat);
        System.out.println("bare Tyrus on 127.0.0.1:" + running.port() + " (heartbeat " + heartbeat + " s)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** A started server: its port (the one asked for, or the one picked for 0), and how to stop it. */
    public record Running(HttpServer server, NetworkListener listener, ScheduledExecutorService pinger)
            implements AutoCloseable {

        public int port() {
            return listener.getPort();
        }

        @Override
        public void close() {
            pinger.shutdownNow();
            server.shutdownNow();
        }
    }

    /** Starts the peer on 127.0.0.1:{@code port} (0: a free port), pinging every session every {@code heartbeat} seconds (0: never). */
    public static Running start(int port, double heartbeat) throws Exception {
        TyrusServerContainer container = container();
        container.register(EchoPeer.class);
        container.register(HubPeer.class);
        HttpServer server = new HttpServer();
        NetworkListener listener = new NetworkListener("bare-tyrus", "127.0.0.1", port);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1); // idle WebSockets stay open, as on Tyrus's Server
        listener.registerAddOn(new WebSocketAddOn(container, "/"));
        server.addListener(listener);
        server.start();
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
        if (heartbeat > 0) {
            long period = (long) (heartbeat * 1000);
            pinger.scheduleAtFixedRate(BareTyrusServer::pingAll, period, period, TimeUnit.MILLISECONDS);
        }
        return new Running(server, listener, pinger);
    }

    /** Tyrus's server container around its engine, as Tyrus's Grizzly container builds it. */
    private static TyrusServerContainer container() {
        return new TyrusServerContainer((Set<Class<?>>) null) {
            private final WebSocketEngine engine = TyrusWebSocketEngine.builder(this).build();

            @Override
            public void register(Class<?> endpointClass) throws DeploymentException {
                engine.register(endpointClass, "/");
            }

            @Override
            public void register(ServerEndpointConfig config) throws DeploymentException {
                engine.register(config, "/");
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

    private static void pingAll() {
        for (Set<Session> room : HubPeer.ROOMS.values()) {
            room.forEach(BareTyrusServer::ping);
        }
        EchoPeer.SESSIONS.forEach(BareTyrusServer::ping);
    }

    private static void ping(Session session) {
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
        } catch (Exception e) {
            // the session is closing; its @OnClose removes it
        }
    }
}
