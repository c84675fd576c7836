package dev.livegrid.chaos;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline, by polling it: the condition, never the wait, is the proof. */
final class Deadline {

    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private Deadline() {
    }

    /** True once {@code condition} holds; false if it still does not after {@code timeout}. */
    static boolean await(BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return condition.getAsBoolean();
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                return condition.getAsBoolean();
            }
        }
        return true;
    }
}
