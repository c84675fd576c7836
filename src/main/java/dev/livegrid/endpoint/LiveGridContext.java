package dev.livegrid.endpoint;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.Identity;
import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.health.Health;
import dev.livegrid.health.HealthApi;
import dev.livegrid.heartbeat.Heartbeat;
import dev.livegrid.http.OperatorEndpoints;
import dev.livegrid.http.OperatorToken;
import dev.livegrid.metrics.Meters;
import dev.livegrid.metrics.MetricsApi;
import dev.livegrid.metrics.PrometheusMeters;
import dev.livegrid.room.Member;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.room.UserIds;
import dev.livegrid.session.BatchingThread;
import dev.livegrid.session.FrameChannel;
import dev.livegrid.session.Outbox;
import dev.livegrid.store.DataSourceSheetStore;
import dev.livegrid.store.PostgresPool;
import dev.livegrid.cluster.StoreFollower;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SqliteSheetStore;
import dev.livegrid.store.StoreException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every endpoint of one LiveGrid deployment shares: its settings, the heartbeat, the one
 * scheduler (heartbeat ticks, echo delays and echo heartbeat messages; its tasks never block), the
 * room registry and the pool its sequencers run on (one thread per core; room tasks never block),
 * and a small bounded pool for the blocking partial sends of fragmented echo replies.
 * {@link #close()} stops all of it.
 */
public final class LiveGridContext implements AutoCloseable {

    /** Items a session's outbox may hold before it is closed with 1013. */
    public static final int OUTBOX_CAPACITY = 1024;
    private static final Logger LOG = Logger.getLogger(LiveGridContext.class.getName());

    private final Settings settings;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ExecutorService blockingSends;
    private final Heartbeat heartbeat;
    private final PrometheusMeters meters;
    private final ExecutorService roomPool;
    private final RoomRegistry rooms;
    /** Keeps loaded sheets up with other servers on the same database; null when the store is this server's alone. */
    private final StoreFollower follower;
    private final Authenticator authenticator;
    /** How a new session's outbox writes frames past the WebSocket API, if the transport can (standalone); null: it cannot. */
    private volatile Function<Session, FrameChannel> frameChannels = session -> null;

    /** A context with the embedded store of {@code settings} and executors of its own (standalone, tests). */
    public LiveGridContext(Settings settings) {
        // The store first: a refused store must not leave threads behind.
        this(settings, openStore(settings), null);
    }

    /**
     * A context on the given store, which it closes with itself. With a {@code containerScheduler}
     * (a Jakarta EE server's managed scheduled executor) the heartbeat and timers run there and
     * {@link #close()} cancels LiveGrid's tasks but leaves the executor to the container; with null
     * LiveGrid starts and stops a scheduler of its own.
     */
    public LiveGridContext(Settings settings, SheetStore store, ScheduledExecutorService containerScheduler) {
        this.settings = settings;
        try {
            this.authenticator = new Authenticator(settings.auth());
        } catch (RuntimeException e) {
            store.close(); // a refused key file must not leave the store locked
            throw e;
        }
        this.ownsScheduler = containerScheduler == null;
        this.scheduler = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(named("livegrid-scheduler"))
                : containerScheduler;
        this.blockingSends = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), named("livegrid-fragment-sender"));
        this.meters = new PrometheusMeters(this::openRooms);
        this.heartbeat = new Heartbeat(scheduler, settings.pingInterval(), settings.pongTimeout(), meters::heartbeatClosed);
        int cores = Runtime.getRuntime().availableProcessors();
        // Unbounded only in appearance: it holds at most one task per room (see Sequencer).
        this.roomPool = new ThreadPoolExecutor(cores, cores, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                batching("livegrid-room")) {
            // A sequencer's turn is one task here: the messages it offers leave when it ends, one write per viewer.
            @Override
            protected void beforeExecute(Thread thread, Runnable turn) {
                ((BatchingThread) thread).beginBatch();
            }

            @Override
            protected void afterExecute(Runnable turn, Throwable thrown) {
                ((BatchingThread) Thread.currentThread()).endBatch();
            }
        };
        this.rooms = new RoomRegistry(settings, roomPool, store, scheduler, meters);
        this.follower = StoreFollower.startIfShared(rooms);
    }

    private int openRooms() {
        RoomRegistry registry = rooms; // null until the constructor has made it
        return registry == null ? 0 : registry.loadedCount();
    }

    /** {@code /health…} and {@code /metrics}, for whichever transport serves HTTP. */
    public OperatorEndpoints operatorEndpoints() {
        return OperatorEndpoints.of(authenticator, new OperatorToken(settings.auth().operatorToken()), new HealthApi(new Health(rooms)).routes(), new MetricsApi(meters).routes());
    }

    /** LiveGrid's and the JVM's meters ({@code /metrics}). */
    public PrometheusMeters meters() {
        return meters;
    }

    /**
     * The embedded store in the data directory, or in memory when it is {@code memory}.
     *
     * @throws StoreException if the directory is used by another server or the file is unusable
     */
    public static SheetStore openStore(Settings settings) {
        if (settings.usesDataSource()) {
            throw new InvalidSettingException(Setting.DATA_SOURCE, settings.dataSource(),
                    "empty outside a Jakarta EE server: a DataSource is looked up in the server's JNDI;"
                            + " the standalone server keeps sheets in data-dir");
        }
        if (settings.jdbc().configured()) {
            DataSourceSheetStore pooled = PostgresPool.open(settings.jdbc());
            LOG.info(() -> "LiveGrid store: " + pooled.location());
            return pooled;
        }
        SqliteSheetStore store = Settings.IN_MEMORY.equals(settings.dataDir())
                ? SqliteSheetStore.inMemory()
                : SqliteSheetStore.open(Path.of(settings.dataDir()));
        LOG.info(() -> "LiveGrid store: " + store.location());
        return store;
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    /**
     * A new sheet member on this session: its outbox (1013 with the resume version on overflow), its
     * heartbeat, and who it is.
     */
    public Member newMember(Session session, Identity identity) {
        Outbox outbox = new Outbox(session, frameChannel(session), OUTBOX_CAPACITY, settings.outboxLimit(), resume -> {
            meters.outboxOverflowed(Meters.SHEETS);
            return new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow; resume with since=" + resume);
        });
        heartbeat.track(session, outbox);
        return new Member(identity, outbox, settings.opRate());
    }

    /**
     * A new member with {@code auth=none}: its id derived from {@code clientKey} (random when the client
     * sent none), its name as the client gave it.
     */
    public Member newMember(Session session, String name, String clientKey) {
        return newMember(session, Identity.anonymous(UserIds.of(clientKey), name));
    }

    /**
     * Lets the transport give each new session's outbox a {@link FrameChannel} (the standalone server
     * does, for the session being opened on the calling thread); the WAR does not, and its outboxes
     * send through the WebSocket API.
     */
    public void useFrameChannels(Function<Session, FrameChannel> channels) {
        this.frameChannels = channels;
    }

    /** The channel for a session being opened on this thread, or null (see {@link #useFrameChannels}). */
    FrameChannel frameChannel(Session session) {
        return frameChannels.apply(session);
    }

    /** Who callers are: the one place credentials are checked (see {@link Authenticator}). */
    public Authenticator authenticator() {
        return authenticator;
    }

    public Settings settings() {
        return settings;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public ExecutorService blockingSends() {
        return blockingSends;
    }

    public Heartbeat heartbeat() {
        return heartbeat;
    }

    /**
     * Stops the heartbeat, the rooms (closing the store) and every executor LiveGrid started, waiting
     * briefly for running tasks. A container's scheduler is left running: the heartbeat's own task is
     * cancelled, and an echo reply still delayed on it (at most the echo delay limit) finds its
     * session closed and does nothing.
     */
    @Override
    public void close() {
        heartbeat.close();
        if (follower != null) {
            follower.close();
        }
        rooms.close();
        meters.close();
        List<ExecutorService> executors = ownsScheduler
                ? List.of(scheduler, blockingSends, roomPool)
                : List.of(blockingSends, roomPool);
        executors.forEach(ExecutorService::shutdownNow);
        try {
            for (ExecutorService executor : executors) {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory batching(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            BatchingThread thread = new BatchingThread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
