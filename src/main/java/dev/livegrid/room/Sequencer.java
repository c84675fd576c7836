package dev.livegrid.room;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One room's single thread of control: runs its tasks one at a time, in submission order, on a shared
 * pool (no thread per room). Tasks must not block. The queue is bounded: {@link #submit} refuses
 * work past {@code capacity} instead of growing.
 */
final class Sequencer {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());

    private final Executor pool;
    private final int capacity;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    Sequencer(Executor pool, int capacity) {
        this.pool = pool;
        this.capacity = capacity;
    }

    /** Queues the task; false if the room is overloaded (the task will not run). */
    boolean submit(Runnable task) {
        return submit(task, false);
    }

    /**
     * Queues a task that must run even when the room is overloaded: joins, leaves and the room's
     * retirement, which are bounded by the number of connections rather than by their traffic.
     */
    void submitAlways(Runnable task) {
        submit(task, true);
    }

    private boolean submit(Runnable task, boolean always) {
        synchronized (this) {
            if (!always && tasks.size() >= capacity) {
                return false;
            }
            tasks.add(task);
            if (running) {
                return true;
            }
            running = true;
        }
        pool.execute(this::runAll);
        return true;
    }

    private void runAll() {
        Runnable task;
        while ((task = next()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "a room task failed", e);
            }
        }
    }

    private synchronized Runnable next() {
        Runnable task = tasks.poll();
        if (task == null) {
            running = false;
        }
        return task;
    }
}
