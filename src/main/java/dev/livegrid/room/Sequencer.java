package dev.livegrid.room;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One room's single thread of control: runs its tasks one at a time, in submission order, on a shared
 * pool (no thread per room). Tasks must not block. The queue is bounded: {@link #submit} refuses
 * work past {@code capacity} instead of growing.
 * <p>
 * A turn on the pool runs at most {@link #TASKS_PER_TURN} tasks and then queues the room again behind
 * the others, so a few busy rooms cannot starve the rest of a small pool. A task that throws anything,
 * an {@link Error} included, is logged and the next one runs: one bad task must never stop a room.
 */
final class Sequencer {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());
    /** Tasks one turn runs before yielding the pool thread to other rooms. */
    static final int TASKS_PER_TURN = 64;

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
        schedule();
        return true;
    }

    private void runAll() {
        for (int ran = 0; ran < TASKS_PER_TURN; ran++) {
            Runnable task = next();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable e) { // an Error too: the room must outlive any one task
                LOG.log(Level.SEVERE, "a room task failed", e);
            }
        }
        yieldTurn();
    }

    /** Queues the rest of this room's tasks behind other rooms' turns, or stops if none is left. */
    private void yieldTurn() {
        synchronized (this) {
            if (tasks.isEmpty()) {
                running = false;
                return;
            }
        }
        schedule();
    }

    /** Gives the room a turn on the pool; once the pool is shut down (the server is stopping) nothing runs any more. */
    private void schedule() {
        try {
            pool.execute(this::runAll);
        } catch (RejectedExecutionException stopping) {
            int left;
            synchronized (this) {
                running = false;
                left = tasks.size();
            }
            LOG.fine(() -> "the room pool is shut down; " + left + " room tasks will not run");
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
