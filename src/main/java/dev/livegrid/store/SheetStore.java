package dev.livegrid.store;

import dev.livegrid.access.Role;
import dev.livegrid.sheet.Snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The sheet's access list, user id to role (empty when there is no such sheet). */
    default Map<String, Role> accessList(String sheetId) {
        return load(sheetId).map(StoredSheet::access).orElse(Map.of());
    }

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

    /**
     * Whether other servers may write the same sheets (a database several LiveGrid nodes share). Then
     * sheets are created through {@link #createOrLoad}, commits may report {@link SheetsBehindException},
     * and rooms follow what others commit ({@link #tail}, {@link #marks}, {@link #listen}).
     */
    default boolean shared() {
        return false;
    }

    /** The sheet's committed version and creation, and the ops it keeps after {@code after}, as of one moment. */
    default SheetTail tail(String sheetId, long after) {
        return load(sheetId).map(s -> new SheetTail(true, s.createdAt(),
                s.ops().isEmpty() ? s.snapshot().version() : Math.max(s.snapshot().version(), s.ops().get(s.ops().size() - 1).version()),
                s.ops().stream().filter(op -> op.version() > after).toList())).orElse(SheetTail.absent());
    }

    /** The committed version (and creation) of each of {@code sheetIds} that is stored. */
    default Map<String, SheetMark> marks(List<String> sheetIds) {
        Map<String, SheetMark> marks = new HashMap<>();
        for (SheetSummary s : list()) {
            if (sheetIds.contains(s.id())) {
                marks.put(s.id(), new SheetMark(s.version(), 0));
            }
        }
        return marks;
    }

    /**
     * Writes a new sheet with its access list at once, or, when another server created it first,
     * reads that one: the sheet as stored either way. Used where the store is {@link #shared}.
     */
    default StoredSheet createOrLoad(Snapshot initial, Map<String, Role> access) {
        throw new UnsupportedOperationException("this store creates sheets with their first commit");
    }

    /**
     * Starts hearing what other servers commit ({@link StoreSignals}), on a connection of its own;
     * null when the store cannot (not shared, or a database without notifications: then rooms only poll).
     *
     * @throws StoreException when the database cannot be reached now
     */
    default SignalListener listen() {
        return null;
    }

    /** Replaces this server's users of the sheet (cluster mode: what other servers show as present); nothing when not shared. */
    default void sharePresence(String sheetId, List<dev.livegrid.protocol.ServerMessage.User> users) {
    }

    /** The sheet's users through other servers that are alive, by server (cluster mode); empty when not shared. */
    default Map<String, List<dev.livegrid.protocol.ServerMessage.User>> presenceElsewhere(String sheetId) {
        return Map.of();
    }

    /** For each of the sheets, its users through other servers that are alive, by server (cluster mode); empty when not shared. */
    default Map<String, Map<String, List<dev.livegrid.protocol.ServerMessage.User>>> presenceElsewhere(List<String> sheetIds) {
        return Map.of();
    }

    /**
     * Marks this server alive (cluster mode, every couple of seconds) and returns the other servers
     * alive; empty when not shared.
     */
    default java.util.Set<String> heartbeat() {
        return java.util.Set.of();
    }

    /** The name this server's own signals carry, so it ignores them ({@link StoreSignals.Signal#server()}). */
    default String signalName() {
        return "";
    }

    /** A valid sheet id the health probe loads; never a sheet (nothing refers to it). */
    String PROBE_SHEET_ID = "livegrid-health-probe-0";

    @Override
    void close();
}
