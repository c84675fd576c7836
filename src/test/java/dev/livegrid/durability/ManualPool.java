package dev.livegrid.durability;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An executor that runs nothing by itself: rooms' sequencers queue their work here and the test runs
 * it on its own thread, when it chooses — so it decides exactly when a room applies an op or hears
 * from the committer.
 */
final class ManualPool implements Executor {

    private final LinkedBlockingDeque<Runnable> tasks = new LinkedBlockingDeque<>();
    private volatile long lastRun = System.nanoTime();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs what is queued (and what that queues) until nothing is left. */
    void runAll() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            run(task);
        }
    }

    /** Whether no task has run for {@code period} (for a condition of {@link #runUntil}: nothing more comes). */
    boolean idleFor(Duration period) {
        return System.nanoTime() - lastRun > period.toNanos();
    }

    private void run(Runnable task) {
        task.run();
        lastRun = System.nanoTime();
    }

    /** Runs only the task queued last (e.g. the sequencer of the room submitted to last). */
    void runLast() {
        Runnable task = tasks.pollLast();
        if (task == null) {
            throw new AssertionError("nothing queued");
        }
        task.run();
    }

    /** Runs tasks as they come (the committer queues them from its thread) until {@code done}. */
    void runUntil(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + timeout);
            }
            Runnable task = tasks.poll(20, TimeUnit.MILLISECONDS);
            if (task != null) {
                run(task);
            }
        }
    }
}
