package dev.livegrid.endpoint;

import dev.livegrid.config.Settings;
import dev.livegrid.heartbeat.Heartbeat;

import java.util.List;
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
 * scheduler (heartbeat ticks, echo delays and echo heartbeat messages; its tasks never block) and a
 * small bounded pool for the blocking partial sends of fragmented echo replies. {@link #close()}
 * stops all of it.
 */
public final class LiveGridContext implements AutoCloseable {

    /** Items a session's outbox may hold before it is closed with 1013. */
    public static final int OUTBOX_CAPACITY = 1024;

    private final Settings settings;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService blockingSends;
    private final Heartbeat heartbeat;

    public LiveGridContext(Settings settings) {
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(named("livegrid-scheduler"));
        this.blockingSends = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), named("livegrid-fragment-sender"));
        this.heartbeat = new Heartbeat(scheduler, settings.pingInterval(), settings.pongTimeout());
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

    /** Stops the heartbeat and every executor, waiting briefly for running tasks. */
    @Override
    public void close() {
        heartbeat.close();
        for (ExecutorService executor : List.of(scheduler, blockingSends)) {
            executor.shutdownNow();
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            blockingSends.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
