package dev.livegrid.support;

import dev.livegrid.access.Role;
import dev.livegrid.store.Change;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SheetSummary;
import dev.livegrid.store.SqliteSheetStore;
import dev.livegrid.store.StoredSheet;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real in-memory SQLite store behind a test's hand: every call goes to it, and a test overrides
 * the ones it wants to hold, fail or count (calling {@code super} to pass them on).
 */
public abstract class InMemoryStoreWrapper implements SheetStore {

    private final SqliteSheetStore inner = SqliteSheetStore.inMemory();

    @Override
    public Optional<StoredSheet> load(String sheetId) {
        return inner.load(sheetId);
    }

    @Override
    public void commit(List<Change> changes) {
        inner.commit(changes);
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
    public Map<String, Role> accessOf(String userId) {
        return inner.accessOf(userId);
    }

    @Override
    public List<LoggedOp> history(String sheetId, String row, String col) {
        return inner.history(sheetId, row, col);
    }

    @Override
    public void close() {
        inner.close();
    }
}
