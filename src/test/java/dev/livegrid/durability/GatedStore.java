package dev.livegrid.durability;

import dev.livegrid.store.Change;
import dev.livegrid.support.InMemoryStoreWrapper;
import dev.livegrid.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory SQLite store whose commits the test can hold: while holding, each commit waits until
 * the test lets it through ({@link Held#pass}) or makes it fail ({@link Held#fail}, a
 * {@link StoreException} as a full disk would give). So the test knows exactly which changes the
 * committer is committing, and when.
 */
class GatedStore extends InMemoryStoreWrapper {

    /** One commit waiting for the test's verdict. */
    static final class Held {
        private final List<Change> changes;
        private final CompletableFuture<Boolean> verdict = new CompletableFuture<>();

        private Held(List<Change> changes) {
            this.changes = List.copyOf(changes);
        }

        void pass() {
            verdict.complete(true);
        }

        void fail() {
            verdict.complete(false);
        }

        /** The op ids of its applied ops, and "snapshot" for each snapshot. */
        List<String> describe() {
            List<String> out = new ArrayList<>();
            for (Change c : changes) {
                out.add(c instanceof Change.Applied a ? a.op().opId() + "@v" + a.op().version() : "snapshot");
            }
            return out;
        }
    }

    private final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private final List<Held> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean holding;

    void hold(boolean on) {
        holding = on;
    }

    /** The next commit that waits for a verdict. */
    Held nextHeld() throws InterruptedException {
        Held next = held.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no commit reached the store within 10 s");
        }
        return next;
    }

    /** The next commit that waits for a verdict, or null if none comes within {@code timeout}. */
    Held pollHeld(java.time.Duration timeout) throws InterruptedException {
        return held.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets every waiting commit through and stops holding (before closing). */
    void releaseAll() {
        holding = false;
        all.forEach(Held::pass);
    }

    private final List<List<String>> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String refusedSheet;
    private volatile Throwable nextThrow;

    /** From now on, a commit holding a change of this sheet fails (as a snapshot the database refuses would). */
    void refuseSheet(String sheetId) {
        refusedSheet = sheetId;
    }

    /** The next commit throws this (an Error, say) instead of committing. */
    void throwOnNextCommit(Throwable failure) {
        nextThrow = failure;
    }

    /** Every commit asked of this store, in order, as {@link Held#describe} shows them. */
    List<List<String>> attempts() {
        return List.copyOf(attempts);
    }

    @Override
    public void commit(List<Change> changes) {
        attempts.add(new Held(changes).describe());
        if (holding) {
            Held h = new Held(changes);
            all.add(h);
            held.add(h);
            boolean pass;
            try {
                pass = h.verdict.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new StoreException("the test never decided on this commit", e);
            }
            if (!pass) {
                throw new StoreException("the test's store refused this commit (as a full disk would)", null);
            }
        }
        Throwable failure = nextThrow;
        if (failure != null) {
            nextThrow = null;
            if (failure instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) failure;
        }
        if (changes.stream().anyMatch(c -> c.sheetId().equals(refusedSheet))) {
            throw new StoreException("the test's store refuses sheet " + refusedSheet, null);
        }
        super.commit(changes);
    }

    @Override
    public void close() {
        releaseAll();
        super.close();
    }
}
