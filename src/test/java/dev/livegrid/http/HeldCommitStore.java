package dev.livegrid.http;

import dev.livegrid.store.Change;
import dev.livegrid.support.InMemoryStoreWrapper;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The in-memory SQLite store, whose commits wait while the test holds them: a disk slower than any HTTP wait. */
final class HeldCommitStore extends InMemoryStoreWrapper {

    private volatile CountDownLatch gate = new CountDownLatch(0);

    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    @Override
    public void commit(List<Change> changes) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.commit(changes);
    }

    @Override
    public void close() {
        release();
        super.close();
    }
}
