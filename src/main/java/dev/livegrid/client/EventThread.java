package dev.livegrid.client;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a client's state lives on: messages from the server, ops from callers and timers all
 * run here, one at a time and in the order they came, so the state needs no locks and listeners are
 * called in order. It ends when the client stops.
 */
final class EventThread {

    private static final System.Logger LOG = System.getLogger(LiveGridClient.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    EventThread(String name) {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread created = new Thread(task, name);
            created.setDaemon(true); // a client that is never closed must not keep the JVM alive
            thread = created;
            return created;
        });
        executor.setRemoveOnCancelPolicy(true); // cancelled timeouts leave the queue at once
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs the task on this thread after those already queued; false when the thread has stopped. */
    boolean run(Runnable task) {
        try {
            executor.execute(() -> guarded(task));
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }

    /** Runs the task on this thread after {@code delay}; null when the thread has stopped. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return executor.schedule(() -> guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /** False once the client has stopped. */
    boolean isRunning() {
        return !executor.isShutdown();
    }

    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /**
     * Ends the thread once the tasks already queued have run (they find the client stopped, and fail what they
     * were asked); timers are dropped, and later tasks refused.
     */
    void stop() {
        executor.shutdown();
    }

    /** Waits until the thread has ended (at most {@code patience}); false if it is still running. */
    boolean awaitEnd(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        if (!executor.awaitTermination(patience.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        // A terminated executor's last thread may still be on its way out: wait until it is gone, too.
        Thread last = thread;
        if (last != null) {
            last.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            return !last.isAlive();
        }
        return true;
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "LiveGrid client: unexpected failure on the event thread", e);
        }
    }
}
