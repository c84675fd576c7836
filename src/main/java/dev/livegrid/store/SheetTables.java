package dev.livegrid.store;

import dev.livegrid.access.Role;
import dev.livegrid.protocol.OpJson;
import dev.livegrid.protocol.SnapshotJson;
import dev.livegrid.sheet.CellWrites;
import dev.livegrid.sheet.Snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tables a store keeps sheets in — one row per sheet (its newest snapshot, version, size), one
 * per retained op, and one per access-list entry — and every statement on them, written once in SQL that SQLite, H2 and
 * PostgreSQL all run. {@link SqliteSheetStore} and {@link DataSourceSheetStore} differ only in where
 * a connection comes from and in how the tables are created and claimed; what a commit, load,
 * listing, delete or history does is here, so the two cannot drift apart. The tables' names are a
 * parameter because SQLite's file format keeps its original {@code sheets}/{@code ops} with columns
 * {@code rows}/{@code columns}, while a shared database gets prefixed tables and column names that
 * are not SQL keywords.
 * <p>
 * Each operation borrows a connection, runs as one transaction (auto-commit off, restored after)
 * and gives the connection back. Not thread-safe: the stores call it under their own lock.
 */
final class SheetTables {

    /** Table and column names: the only thing that differs between the stores' schemas. */
    record Names(String sheets, String ops, String access, String rows, String columns) {
        /** SQLite's file format since the first release: existing {@code livegrid.db} files use these. */
        static final Names SQLITE = new Names("sheets", "ops", "access", "rows", "columns");
        /** Tables in a database shared with other applications (H2, PostgreSQL). */
        static final Names SHARED = new Names("livegrid_sheets", "livegrid_ops", "livegrid_access", "row_count",
                "column_count");
    }

    /** Lends a connection for one operation and takes it back. */
    interface Connections {
        Connection borrow() throws SQLException;

        /** Returns the connection; never throws (a pool discards a connection it cannot close). */
        void giveBack(Connection connection);

        /**
         * True when {@link #borrow} lends the same open connection every time (the embedded store's
         * one), so statements prepared on it can serve every later commit; a pool's connections close
         * their statements when given back.
         */
        default boolean sameConnectionEachTime() {
            return false;
        }
    }

    /**
     * Tells other servers on the same database what a commit changed, as part of its transaction
     * (PostgreSQL's {@code NOTIFY}, delivered to listeners only if the transaction commits). Each
     * message is one of {@link StoreSignals}'.
     */
    interface Signals {
        Signals NONE = (connection, messages) -> {
        };

        void send(Connection connection, List<String> messages) throws SQLException;
    }

    /** What a transaction does; SQL errors abort it. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Connections connections;
    private final String where;
    private final Signals signals;
    /** This server's name in its signals: random, so it can tell its own from others'. */
    private final String server = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
    /** Whether reads of several statements run in one repeatable-read transaction (a database other servers write to). */
    private final boolean isolateReads;
    private final String selectSnapshot;
    private final String selectOps;
    private final String selectTail;
    private final String selectMarks;
    private final String selectSheets;
    private final String insertOp;
    private final String advanceSheet;
    private final String replaceSnapshot;
    private final String insertSheet;
    private final String compact;
    private final String deleteOps;
    private final String deleteSheet;
    private final String selectAccess;
    private final String selectAccessOf;
    private final String deleteAccess;
    private final String insertAccess;
    private final String deleteSheetAccess;
    /** The write statements kept across commits when the connection is always the same one; null until the first commit. */
    private Writes kept;

    SheetTables(Names names, Connections connections, String where) {
        this(names, connections, where, Signals.NONE, false);
    }

    /**
     * @param signals      what a commit tells other servers on the same database
     * @param isolateReads whether a read of several statements (a sheet's snapshot and its ops) must see
     *                     one consistent state although other servers commit meanwhile
     */
    SheetTables(Names names, Connections connections, String where, Signals signals, boolean isolateReads) {
        this.connections = connections;
        this.where = where;
        this.signals = signals;
        this.isolateReads = isolateReads;
        String sheets = names.sheets();
        String ops = names.ops();
        selectSnapshot = "SELECT snapshot, created_at FROM " + sheets + " WHERE id = ?";
        selectOps = "SELECT version, author, op_id, request, applied, at FROM " + ops
                + " WHERE sheet = ? ORDER BY version";
        // One statement, so one consistent view of the database even at READ COMMITTED: the sheet's row
        // and the ops after a version, or the row alone (nulls) when there are none.
        selectTail = "SELECT s.version, s.created_at, o.version, o.author, o.op_id, o.request, o.applied, o.at FROM "
                + sheets + " s LEFT JOIN " + ops + " o ON o.sheet = s.id AND o.version > ? WHERE s.id = ? ORDER BY o.version";
        selectMarks = "SELECT id, version, created_at FROM " + sheets + " WHERE id IN ";
        selectSheets = "SELECT id, version, " + names.rows() + ", " + names.columns() + ", updated_at FROM " + sheets;
        insertOp = "INSERT INTO " + ops + " (sheet, version, author, op_id, request, applied, at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)";
        // Moves the row only from the version the ops were numbered after: if another server committed
        // versions meanwhile, no row matches and the sheet is behind (see SheetsBehindException).
        advanceSheet = "UPDATE " + sheets + " SET version = ?, " + names.rows() + " = ?, " + names.columns()
                + " = ?, updated_at = ? WHERE id = ? AND version = ?";
        // An upsert written as UPDATE, then INSERT if no row was there: ON CONFLICT, MERGE and MAX(a, b)
        // are each spelled differently (or missing) in one of the databases.
        replaceSnapshot = "UPDATE " + sheets + " SET version = CASE WHEN version > ? THEN version ELSE ? END,"
                + " snapshot_version = ?, snapshot = ? WHERE id = ? AND snapshot_version <= ?";
        insertSheet = "INSERT INTO " + sheets + " (id, version, snapshot_version, snapshot, " + names.rows() + ", "
                + names.columns() + ", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        compact = "DELETE FROM " + ops + " WHERE sheet = ? AND version < ?";
        deleteOps = "DELETE FROM " + ops + " WHERE sheet = ?";
        deleteSheet = "DELETE FROM " + sheets + " WHERE id = ?";
        String access = names.access();
        selectAccess = "SELECT user_id, role FROM " + access + " WHERE sheet = ?";
        selectAccessOf = "SELECT sheet, role FROM " + access + " WHERE user_id = ?";
        deleteAccess = "DELETE FROM " + access + " WHERE sheet = ? AND user_id = ?";
        // Only while the sheet exists: an entry arriving after the sheet's delete must not outlive it.
        insertAccess = "INSERT INTO " + access + " (sheet, user_id, role) SELECT ?, ?, ? FROM " + sheets
                + " WHERE id = ?";
        deleteSheetAccess = "DELETE FROM " + access + " WHERE sheet = ?";
    }

    /** The name this server's signals carry ({@link StoreSignals.Signal#server()}). */
    String server() {
        return server;
    }

    /** Where the data lives, for logs and error messages. */
    String where() {
        return where;
    }

    Optional<StoredSheet> load(String sheetId) {
        try {
            return readTransaction(c -> {
                try (PreparedStatement q = c.prepareStatement(selectSnapshot)) {
                    q.setString(1, sheetId);
                    try (ResultSet r = q.executeQuery()) {
                        if (!r.next()) {
                            return Optional.empty();
                        }
                        return Optional.of(new StoredSheet(SnapshotJson.read(r.getString(1)), ops(c, sheetId),
                                access(c, sheetId), r.getLong(2)));
                    }
                }
            });
        } catch (SQLException | RuntimeException e) {
            throw failure("read sheet " + sheetId, e);
        }
    }

    /** The sheet's committed version and creation, and its ops after {@code after}, as of one moment. */
    SheetTail tail(String sheetId, long after) {
        try {
            return transaction(c -> {
                try (PreparedStatement q = c.prepareStatement(selectTail)) {
                    q.setLong(1, after);
                    q.setString(2, sheetId);
                    try (ResultSet r = q.executeQuery()) {
                        if (!r.next()) {
                            return SheetTail.absent();
                        }
                        long version = r.getLong(1);
                        long createdAt = r.getLong(2);
                        List<LoggedOp> ops = new ArrayList<>();
                        do {
                            r.getLong(3);
                            if (!r.wasNull()) {
                                ops.add(new LoggedOp(r.getLong(3), r.getString(4), r.getString(5),
                                        OpJson.read(r.getString(6)), r.getString(7), Instant.ofEpochMilli(r.getLong(8))));
                            }
                        } while (r.next());
                        return new SheetTail(true, createdAt, version, ops);
                    }
                }
            });
        } catch (SQLException | RuntimeException e) {
            throw failure("read the ops of sheet " + sheetId + " after version " + after, e);
        }
    }

    /** The committed versions of those of {@code sheetIds} that are stored. */
    Map<String, SheetMark> marks(List<String> sheetIds) {
        Map<String, SheetMark> marks = new HashMap<>();
        try {
            for (int from = 0; from < sheetIds.size(); from += MARKS_PER_QUERY) {
                List<String> some = sheetIds.subList(from, Math.min(sheetIds.size(), from + MARKS_PER_QUERY));
                String sql = selectMarks + "(" + String.join(", ", java.util.Collections.nCopies(some.size(), "?")) + ")";
                transaction(c -> {
                    try (PreparedStatement q = c.prepareStatement(sql)) {
                        for (int i = 0; i < some.size(); i++) {
                            q.setString(i + 1, some.get(i));
                        }
                        try (ResultSet r = q.executeQuery()) {
                            while (r.next()) {
                                marks.put(r.getString(1), new SheetMark(r.getLong(2), r.getLong(3)));
                            }
                        }
                    }
                    return null;
                });
            }
            return marks;
        } catch (SQLException | RuntimeException e) {
            throw failure("read the versions of " + sheetIds.size() + " sheets", e);
        }
    }

    /** Sheet ids in one query of {@link #marks}: far below every database's limit on parameters. */
    private static final int MARKS_PER_QUERY = 500;

    /**
     * Writes a new sheet with its access list, unless it is there already (another server created it
     * first): then the stored one is read back. What this returns is the sheet as stored either way.
     */
    StoredSheet createOrLoad(Snapshot initial, Map<String, Role> access) {
        long now = System.currentTimeMillis();
        try {
            transaction(c -> {
                try (Writes writes = new Writes(c)) {
                    writes.insertSheet(initial, now);
                    for (Map.Entry<String, Role> entry : access.entrySet()) {
                        writes.write(new Change.AccessChanged(initial.sheet(), entry.getKey(), entry.getValue()));
                    }
                }
                return null;
            });
            return new StoredSheet(initial, List.of(), access, now);
        } catch (SQLException | RuntimeException e) {
            Optional<StoredSheet> there = load(initial.sheet());
            if (there.isPresent()) {
                return there.get();
            }
            throw failure("create sheet " + initial.sheet(), e);
        }
    }

    void commit(List<Change> batch) {
        // Sheet by sheet, in id order (each sheet's changes in their own order): two servers committing
        // batches that touch the same sheets then lock those sheets' rows in the same order, and never
        // wait for each other in a circle (a deadlock, which PostgreSQL breaks only after a second).
        List<Change> changes = new ArrayList<>(batch);
        changes.sort(Comparator.comparing(Change::sheetId));
        try {
            transaction(c -> {
                if (connections.sameConnectionEachTime()) {
                    write(keptWrites(c), changes);
                } else {
                    try (Writes writes = new Writes(c)) {
                        write(writes, changes);
                    }
                }
                return null;
            });
        } catch (SheetsBehindException e) {
            throw e; // rolled back whole; the statements are fine
        } catch (SQLException | RuntimeException e) {
            closeKeptWrites(e); // a failed commit may leave a statement or a batch midway: prepare afresh
            throw failure("commit " + changes.size() + " changes", e);
        }
    }

    /**
     * Writes every change; throws {@link SheetsBehindException} (the caller's transaction then rolls
     * back) when other servers moved some of the sheets on, naming every such sheet at once.
     */
    private void write(Writes writes, List<Change> changes) throws SQLException {
        writes.begin();
        for (Change change : changes) {
            if (change instanceof Change.Applied applied) {
                writes.write(applied);
            } else if (change instanceof Change.Snapshotted snapshotted) {
                writes.write(snapshotted);
            } else {
                writes.write((Change.AccessChanged) change);
            }
        }
        writes.flush();
        if (!writes.behind.isEmpty()) {
            throw new SheetsBehindException(writes.behind);
        }
        if (!writes.signalled.isEmpty()) {
            signals.send(writes.c, writes.signalled);
        }
    }

    private Writes keptWrites(Connection c) {
        if (kept != null && !kept.on(c)) {
            closeKeptWrites(null);
        }
        if (kept == null) {
            kept = new Writes(c);
        }
        return kept;
    }

    /** Closes the statements kept across commits, if any; their failure is attached to {@code cause} or dropped. */
    void closeKeptWrites(Exception cause) {
        if (kept == null) {
            return;
        }
        try {
            kept.close();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        } finally {
            kept = null;
        }
    }

    /** Every sheet, by id in code-point order (the same on every database, whatever its collation). */
    List<SheetSummary> list() {
        try {
            return transaction(c -> {
                List<SheetSummary> sheets = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement(selectSheets); ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        sheets.add(new SheetSummary(r.getString(1), r.getLong(2), r.getInt(3), r.getInt(4),
                                Instant.ofEpochMilli(r.getLong(5))));
                    }
                }
                sheets.sort(Comparator.comparing(SheetSummary::id));
                return sheets;
            });
        } catch (SQLException e) {
            throw failure("list sheets", e);
        }
    }

    boolean delete(String sheetId) {
        try {
            return transaction(c -> {
                try (PreparedStatement ops = c.prepareStatement(deleteOps);
                     PreparedStatement access = c.prepareStatement(deleteSheetAccess);
                     PreparedStatement sheet = c.prepareStatement(deleteSheet)) {
                    ops.setString(1, sheetId);
                    ops.executeUpdate();
                    access.setString(1, sheetId);
                    access.executeUpdate();
                    sheet.setString(1, sheetId);
                    boolean deleted = sheet.executeUpdate() > 0;
                    if (deleted) {
                        signals.send(c, List.of(StoreSignals.deleted(sheetId, server)));
                    }
                    return deleted;
                }
            });
        } catch (SQLException e) {
            throw failure("delete sheet " + sheetId, e);
        }
    }

    Map<String, Role> accessList(String sheetId) {
        try {
            return transaction(c -> access(c, sheetId));
        } catch (SQLException | RuntimeException e) {
            throw failure("read the access list of sheet " + sheetId, e);
        }
    }

    Map<String, Role> accessOf(String userId) {
        try {
            return transaction(c -> {
                Map<String, Role> bySheet = new TreeMap<>();
                try (PreparedStatement q = c.prepareStatement(selectAccessOf)) {
                    q.setString(1, userId);
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            bySheet.put(r.getString(1), Role.parse(r.getString(2)));
                        }
                    }
                }
                return bySheet;
            });
        } catch (SQLException | RuntimeException e) {
            throw failure("read the access of a user", e);
        }
    }

    List<LoggedOp> history(String sheetId, String row, String col) {
        try {
            List<LoggedOp> touching = new ArrayList<>();
            for (LoggedOp op : transaction(c -> ops(c, sheetId))) {
                if (!CellWrites.of(OpJson.readApplied(op.appliedText()), row, col).isEmpty()) {
                    touching.add(op);
                }
            }
            return touching;
        } catch (SQLException | RuntimeException e) {
            throw failure("read the history of sheet " + sheetId, e);
        }
    }

    /**
     * Runs the work in one transaction on a borrowed connection, and gives the connection back in
     * the state it was lent. On a full disk or an I/O error SQLite has already rolled back by
     * itself, so the rollback and the return to auto-commit may fail too: their errors are attached
     * to the original one, which is what gets reported.
     */
    <T> T transaction(Work<T> work) throws SQLException {
        return transaction(work, false);
    }

    /** A transaction that only reads, isolated from other servers' commits when the tables are shared. */
    private <T> T readTransaction(Work<T> work) throws SQLException {
        return transaction(work, isolateReads);
    }

    private <T> T transaction(Work<T> work, boolean repeatableRead) throws SQLException {
        Connection c = connections.borrow();
        int isolation = repeatableRead ? c.getTransactionIsolation() : Connection.TRANSACTION_NONE;
        try {
            if (repeatableRead) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            return transactionOn(c, work);
        } finally {
            try {
                if (repeatableRead && c.getTransactionIsolation() != isolation) {
                    c.setTransactionIsolation(isolation);
                }
            } catch (SQLException ignored) {
                // given back anyway: a pool resets or discards the connection
            } finally {
                connections.giveBack(c);
            }
        }
    }

    private <T> T transactionOn(Connection c, Work<T> work) throws SQLException {
        {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            Exception failure = null;
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                failure = e;
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(c, failure);
                }
            }
        }
    }

    private static void restoreAutoCommit(Connection c, Exception failure) throws SQLException {
        try {
            c.setAutoCommit(true);
        } catch (SQLException restore) {
            if (failure != null) {
                failure.addSuppressed(restore);
            } else {
                throw restore;
            }
        }
    }

    StoreException failure(String what, Exception e) {
        return new StoreException("the store (" + where + ") could not " + what + ": " + e.getMessage(), e);
    }

    private List<LoggedOp> ops(Connection c, String sheetId) throws SQLException {
        List<LoggedOp> ops = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(selectOps)) {
            q.setString(1, sheetId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ops.add(loggedOp(r));
                }
            }
        }
        return ops;
    }

    private static LoggedOp loggedOp(ResultSet r) throws SQLException {
        return new LoggedOp(r.getLong(1), r.getString(2), r.getString(3), OpJson.read(r.getString(4)),
                r.getString(5), Instant.ofEpochMilli(r.getLong(6)));
    }

    private Map<String, Role> access(Connection c, String sheetId) throws SQLException {
        Map<String, Role> byUser = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(selectAccess)) {
            q.setString(1, sheetId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    byUser.put(r.getString(1), Role.parse(r.getString(2)));
                }
            }
        }
        return byUser;
    }

    /**
     * The write statements of commits on one connection, each prepared the first time a commit needs
     * it, and what a commit defers to the end of its run of ops: the op rows go to the database as one
     * JDBC batch (one round trip to a server; no per-row step through the driver), and each sheet's row
     * is updated once, to its last op's version and size, instead of once per op. Pending writes are
     * flushed before any other kind of change (a snapshot compacts the sheet's ops and moves its
     * version; an access entry needs the sheet's row), so the tables end up as if every change had
     * been written in order. Kept across commits where the store has one connection
     * ({@link Connections#sameConnectionEachTime}); after a failed commit it is closed, so a statement
     * left midway is never used again.
     */
    private final class Writes implements AutoCloseable {

        /** One sheet's ops in a flush: the version its row must be at (the first op's, minus one) and the ops in order. */
        private static final class Run {
            final long from;
            final List<Change.Applied> ops = new ArrayList<>();

            Run(long from) {
                this.from = from;
            }

            Change.Applied last() {
                return ops.get(ops.size() - 1);
            }
        }

        private final Connection c;
        /** By SQL text (one of the constant strings above). */
        private final Map<String, PreparedStatement> prepared = new HashMap<>();
        /** Each sheet's ops not yet written, in order of first appearance. */
        private final Map<String, Run> runs = new LinkedHashMap<>();
        /** Sheets of this commit that other servers moved on: none of their ops is written. */
        final Set<String> behind = new LinkedHashSet<>();
        /** What this commit tells other servers ({@link StoreSignals}). */
        final List<String> signalled = new ArrayList<>();

        Writes(Connection c) {
            this.c = c;
        }

        boolean on(Connection connection) {
            return c == connection;
        }

        /** Forgets what the last commit on these statements found. */
        void begin() {
            runs.clear();
            behind.clear();
            signalled.clear();
        }

        private PreparedStatement statement(String sql) throws SQLException {
            PreparedStatement statement = prepared.get(sql);
            if (statement == null) {
                statement = c.prepareStatement(sql);
                prepared.put(sql, statement);
            }
            return statement;
        }

        void write(Change.Applied change) throws SQLException {
            Run run = runs.get(change.sheetId());
            if (run == null) {
                run = new Run(change.op().version() - 1);
                runs.put(change.sheetId(), run);
            } else if (run.last().op().version() + 1 != change.op().version()) {
                throw new SQLException("ops of sheet " + change.sheetId() + " out of sequence: "
                        + change.op().version() + " after " + run.last().op().version());
            }
            run.ops.add(change);
        }

        /**
         * Writes what {@link #write(Change.Applied)} deferred: each sheet's row moved to its last op's
         * version — only from the version its ops were numbered after — then the op rows of the sheets
         * that moved, as one batch. A sheet whose row was elsewhere (other servers committed versions
         * meanwhile, or deleted it) is behind: none of its ops is written.
         */
        void flush() throws SQLException {
            if (runs.isEmpty()) {
                return;
            }
            PreparedStatement advance = statement(advanceSheet);
            PreparedStatement insert = null;
            for (Map.Entry<String, Run> entry : runs.entrySet()) {
                String sheet = entry.getKey();
                Run run = entry.getValue();
                if (behind.contains(sheet)) {
                    continue;
                }
                Change.Applied last = run.last();
                advance.setLong(1, last.op().version());
                advance.setInt(2, last.rows());
                advance.setInt(3, last.columns());
                advance.setLong(4, last.op().at().toEpochMilli());
                advance.setString(5, sheet);
                advance.setLong(6, run.from);
                if (advance.executeUpdate() != 1) {
                    behind.add(sheet);
                    continue;
                }
                signalled.add(StoreSignals.moved(sheet, last.op().version(), server));
                insert = insert != null ? insert : statement(insertOp);
                for (Change.Applied change : run.ops) {
                    LoggedOp op = change.op();
                    insert.setString(1, sheet);
                    insert.setLong(2, op.version());
                    insert.setString(3, op.by());
                    insert.setString(4, op.opId());
                    insert.setString(5, OpJson.write(op.request()));
                    insert.setString(6, op.appliedText());
                    insert.setLong(7, op.at().toEpochMilli());
                    insert.addBatch();
                }
            }
            runs.clear();
            if (insert != null) {
                insert.executeBatch();
            }
        }

        /**
         * Replaces the sheet's snapshot (never with an older one, never moving its version back), or
         * creates the sheet if the snapshot is a creating one; then compacts. A non-creating snapshot of
         * a sheet that is gone (deleted while it was on its way) writes nothing.
         */
        void write(Change.Snapshotted change) throws SQLException {
            flush();
            Snapshot snapshot = change.snapshot();
            String text = SnapshotJson.write(snapshot);
            PreparedStatement replace = statement(replaceSnapshot);
            replace.setLong(1, snapshot.version());
            replace.setLong(2, snapshot.version());
            replace.setLong(3, snapshot.version());
            replace.setString(4, text);
            replace.setString(5, snapshot.sheet());
            replace.setLong(6, snapshot.version());
            if (replace.executeUpdate() == 0) {
                if (!change.creates()) {
                    return; // gone, or another server stored a newer snapshot (and compacted for it)
                }
                insertSheet(snapshot, System.currentTimeMillis());
            }
            PreparedStatement drop = statement(compact);
            drop.setString(1, snapshot.sheet());
            drop.setLong(2, change.keepFrom());
            drop.executeUpdate();
        }

        /** Adds the sheet's row, created now; fails if the sheet is there. */
        void insertSheet(Snapshot snapshot, long now) throws SQLException {
            PreparedStatement insert = statement(insertSheet);
            insert.setString(1, snapshot.sheet());
            insert.setLong(2, snapshot.version());
            insert.setLong(3, snapshot.version());
            insert.setString(4, SnapshotJson.write(snapshot));
            insert.setInt(5, snapshot.rows().size());
            insert.setInt(6, snapshot.columns().size());
            insert.setLong(7, now);
            insert.setLong(8, now);
            insert.executeUpdate();
        }

        /** Replaces the user's entry (delete, then insert while the sheet exists), or only removes it. */
        void write(Change.AccessChanged change) throws SQLException {
            flush();
            PreparedStatement delete = statement(deleteAccess);
            delete.setString(1, change.sheetId());
            delete.setString(2, change.userId());
            delete.executeUpdate();
            if (change.role() != null) {
                PreparedStatement insert = statement(insertAccess);
                insert.setString(1, change.sheetId());
                insert.setString(2, change.userId());
                insert.setString(3, change.role().wire());
                insert.setString(4, change.sheetId());
                insert.executeUpdate();
            }
            signalled.add(StoreSignals.accessChanged(change.sheetId(), server));
        }

        @Override
        public void close() throws SQLException {
            SQLException failure = null;
            for (PreparedStatement statement : prepared.values()) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            prepared.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }
}
