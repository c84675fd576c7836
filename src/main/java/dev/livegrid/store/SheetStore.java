package dev.livegrid.store;

import dev.livegrid.access.Role;

import java.util.Map;

import java.util.List;
import java.util.Optional;

/**
 * Where sheets outlive the process: every applied op is committed here before it is acknowledged,
 * and snapshots bound how much of the op log a restart replays.
 * <p>
 * Implementations must make {@link #commit} all-or-nothing and durable when it returns (an embedded
 * SQLite file by default; a PostgreSQL server later, where the same calls map onto one transaction
 * per batch). Methods may be called from several threads.
 */
public interface SheetStore extends AutoCloseable {

    /** The sheet as last committed: its newest snapshot and the ops it keeps (replay and resume window). */
    Optional<StoredSheet> load(String sheetId);

    /** Commits every change in one transaction: all are durable when this returns, or none is. */
    void commit(List<Change> changes);

    /** Every stored sheet, by id. */
    List<SheetSummary> list();

    /** Removes the sheet and its ops; false if there was none. */
    boolean delete(String sheetId);

    /** The access-list entries naming {@code userId}, by sheet id (what a listing shows that user). */
    Map<String, Role> accessOf(String userId);

    /** The retained ops of a sheet, oldest first, that wrote the cell: its edits, and the insert of its row with a value for it. */
    List<LoggedOp> history(String sheetId, String row, String col);

    /**
     * Asks the store a question that needs it to answer (the load of a sheet id that is never used), for
     * the health check.
     *
     * @throws StoreException when it cannot
     */
    default void probe() {
        load(PROBE_SHEET_ID);
    }

    /** A valid sheet id the health probe loads; never a sheet (nothing refers to it). */
    String PROBE_SHEET_ID = "livegrid-health-probe-0";

    @Override
    void close();
}
