package dev.livegrid.chaos;

import java.util.ArrayList;
import java.util.List;

/** The broken promises found so far, from any thread (client listeners report here as messages arrive). */
final class Violations {

    /** One broken promise, found during {@code step}. */
    record Violation(Promise promise, int step, String message) {
        @Override
        public String toString() {
            return promise.name() + " at step " + step + ": " + message;
        }
    }

    /** Enough to diagnose; a broken client can repeat the same finding thousands of times. */
    private static final int KEEP = 20;

    private final List<Violation> found = new ArrayList<>();
    private int dropped;
    private volatile int step;

    void step(int current) {
        step = current;
    }

    synchronized void add(Promise promise, String message) {
        if (found.size() < KEEP) {
            found.add(new Violation(promise, step, message));
        } else {
            dropped++;
        }
    }

    synchronized boolean any() {
        return !found.isEmpty();
    }

    synchronized List<Violation> all() {
        return List.copyOf(found);
    }

    synchronized int dropped() {
        return dropped;
    }
}
