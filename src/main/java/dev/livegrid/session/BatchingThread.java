package dev.livegrid.session;

import java.util.ArrayList;
import java.util.List;

/**
 * A thread that runs work in batches (a sequencer's turn): while a batch runs, an idle {@link Outbox}
 * offered a message on this thread does not start writing at once but when the batch ends, so that
 * the updates of one turn (every op of a group commit, say) leave for each viewer in one write
 * instead of one write per op. An outbox that gathers a write's worth meanwhile writes at once, so
 * what waits stays far below the outbox's bounds.
 */
public final class BatchingThread extends Thread {

    private final List<Outbox> deferred = new ArrayList<>();
    private boolean batching;

    public BatchingThread(Runnable task, String name) {
        super(task, name);
    }

    /** The current thread if it is a batch-running thread inside a batch, else null. */
    static BatchingThread current() {
        return Thread.currentThread() instanceof BatchingThread t && t.batching ? t : null;
    }

    /** Starts a batch (on this thread). */
    public void beginBatch() {
        batching = true;
    }

    /** Ends the batch (on this thread): every outbox it put off starts writing. */
    public void endBatch() {
        batching = false;
        try {
            for (int i = 0; i < deferred.size(); i++) {
                deferred.get(i).drainDeferred();
            }
        } finally {
            deferred.clear();
        }
    }

    void defer(Outbox outbox) {
        deferred.add(outbox);
    }
}
