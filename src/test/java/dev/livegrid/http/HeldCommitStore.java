package dev.livegrid.http;

import dev.livegrid.store.Change;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SheetSummary;
import dev.livegrid.store.SqliteSheetStore;
import dev.livegrid.store.StoredSheet;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The in-memory SQLite store, whose commits wait while the test holds them: a disk slower than any HTTP wait. */
final class HeldCommitStore implements SheetStore {

    private final SqliteSheetStore inner = SqliteSheetStore.inMemory();
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
        inner.commit(changes);
    }

    @Override
    public Optional<StoredSheet> load(String sheetId) {
        return inner.load(sheetId);
    }

    @Override
    public List<SheetSummary> list() {
        return inner.list();
    }

    @Override
    public boolean delete(String sheetId) {
        return inner.delete(sheetId);
    }

    @Override
    public List<LoggedOp> history(String sheetId, String row, String col) {
        return inner.history(sheetId, row, col);
    }

    @Override
    public void close() {
        release();
        inner.close();
    }
}
