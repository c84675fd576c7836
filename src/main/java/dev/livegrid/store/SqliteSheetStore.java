package dev.livegrid.store;

import dev.livegrid.protocol.OpJson;
import dev.livegrid.protocol.SnapshotJson;
import dev.livegrid.sheet.Op;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded default store: one SQLite file, {@code livegrid.db}, in the data directory, in WAL
 * mode with {@code synchronous=FULL}, so a commit is on disk when it returns and a crash at any
 * moment leaves the last committed state. One connection, used under this object's lock; commits
 * are batched by the caller (group commit), so one fsync serves many ops and many sheets.
 */
public final class SqliteSheetStore implements SheetStore {

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS sheets (
              id TEXT PRIMARY KEY, version INTEGER NOT NULL, snapshot_version INTEGER NOT NULL,
              snapshot TEXT NOT NULL, rows INTEGER NOT NULL, columns INTEGER NOT NULL,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS ops (
              sheet TEXT NOT NULL, version INTEGER NOT NULL, author TEXT NOT NULL, op_id TEXT NOT NULL,
              request TEXT NOT NULL, applied TEXT NOT NULL, at INTEGER NOT NULL,
              PRIMARY KEY (sheet, version)) WITHOUT ROWID;
            """;

    private final Connection db;
    private final DataDirectoryLock lock;
    private final String where;

    private SqliteSheetStore(Connection db, DataDirectoryLock lock, String where) {
        this.db = db;
        this.lock = lock;
        this.where = where;
    }

    /**
     * Opens (or creates) the store in {@code directory}, locking it against a second server.
     *
     * @throws StoreException if the directory is locked or the file is not a usable database
     */
    public static SqliteSheetStore open(Path directory) {
        DataDirectoryLock lock = DataDirectoryLock.acquire(directory);
        Path file = directory.resolve("livegrid.db").toAbsolutePath();
        try {
            return new SqliteSheetStore(connect("jdbc:sqlite:" + file), lock, file.toString());
        } catch (SQLException e) {
            lock.close();
            throw new StoreException("cannot open " + file + " as a LiveGrid database (" + e.getMessage()
                    + "); move it aside or restore a backup", e);
        }
    }

    /** A store that lives in memory only: for tests and throw-away embedded servers. Nothing survives a restart. */
    public static SqliteSheetStore inMemory() {
        try {
            return new SqliteSheetStore(connect("jdbc:sqlite::memory:"), null, "memory");
        } catch (SQLException e) {
            throw new StoreException("cannot create an in-memory store: " + e.getMessage(), e);
        }
    }

    /** Where the data lives, for logs. */
    public String location() {
        return where;
    }

    /** Marks the file as LiveGrid's ("LGRD"), so another application's SQLite file is refused. */
    private static final int APPLICATION_ID = 0x4C475244;

    private static Connection connect(String url) throws SQLException {
        Connection db = DriverManager.getConnection(url);
        try (Statement s = db.createStatement()) {
            claim(s);
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=5000");
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    s.execute(ddl);
                }
            }
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** Stamps a new, empty database as LiveGrid's, or checks that an existing one is. */
    private static void claim(Statement s) throws SQLException {
        int id;
        int tables;
        try (ResultSet r = s.executeQuery("PRAGMA application_id")) {
            id = r.next() ? r.getInt(1) : 0;
        }
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            tables = r.next() ? r.getInt(1) : 0;
        }
        if (id == APPLICATION_ID) {
            return;
        }
        if (tables > 0 || id != 0) {
            throw new SQLException("the file belongs to another application (it is a SQLite database without"
                    + " LiveGrid's application id)");
        }
        s.execute("PRAGMA application_id = " + APPLICATION_ID);
    }

    @Override
    public synchronized Optional<StoredSheet> load(String sheetId) {
        try (PreparedStatement q = db.prepareStatement("SELECT snapshot FROM sheets WHERE id = ?")) {
            q.setString(1, sheetId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredSheet(SnapshotJson.read(r.getString(1)), ops(sheetId)));
            }
        } catch (SQLException | RuntimeException e) {
            throw failure("read sheet " + sheetId, e);
        }
    }

    @Override
    public synchronized void commit(List<Change> changes) {
        try {
            inTransaction(() -> {
                for (Change change : changes) {
                    if (change instanceof Change.Applied applied) {
                        write(applied);
                    } else {
                        write((Change.Snapshotted) change);
                    }
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            throw failure("commit " + changes.size() + " changes", e);
        }
    }

    /** What a transaction does; SQL errors abort it. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs the work in one transaction. On a full disk or an I/O error SQLite has already rolled
     * back by itself, so the rollback and the return to auto-commit may fail too: their errors are
     * attached to the original one, which is what gets reported.
     */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        db.setAutoCommit(false);
        SQLException failure = null;
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            failure = e;
            try {
                db.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            try {
                db.setAutoCommit(true);
            } catch (SQLException restore) {
                if (failure != null) {
                    failure.addSuppressed(restore);
                } else {
                    throw restore;
                }
            }
        }
    }

    @Override
    public synchronized List<SheetSummary> list() {
        List<SheetSummary> sheets = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT id, version, rows, columns, updated_at FROM sheets ORDER BY id")) {
            while (r.next()) {
                sheets.add(new SheetSummary(r.getString(1), r.getLong(2), r.getInt(3), r.getInt(4),
                        Instant.ofEpochMilli(r.getLong(5))));
            }
            return sheets;
        } catch (SQLException e) {
            throw failure("list sheets", e);
        }
    }

    @Override
    public synchronized boolean delete(String sheetId) {
        try (PreparedStatement ops = db.prepareStatement("DELETE FROM ops WHERE sheet = ?");
             PreparedStatement sheet = db.prepareStatement("DELETE FROM sheets WHERE id = ?")) {
            return inTransaction(() -> {
                ops.setString(1, sheetId);
                ops.executeUpdate();
                sheet.setString(1, sheetId);
                return sheet.executeUpdate() > 0;
            });
        } catch (SQLException e) {
            throw failure("delete sheet " + sheetId, e);
        }
    }

    @Override
    public synchronized List<LoggedOp> history(String sheetId, String row, String col) {
        try {
            List<LoggedOp> touching = new ArrayList<>();
            for (LoggedOp op : ops(sheetId)) {
                Op applied = OpJson.readApplied(op.appliedText());
                boolean edit = applied instanceof Op.Edit e && e.row().equals(row) && e.col().equals(col);
                boolean insert = applied instanceof Op.InsertRow r && row.equals(r.row()) && r.cells().containsKey(col);
                if (edit || insert) {
                    touching.add(op);
                }
            }
            return touching;
        } catch (SQLException | RuntimeException e) {
            throw failure("read the history of sheet " + sheetId, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing anyway
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private List<LoggedOp> ops(String sheetId) throws SQLException {
        List<LoggedOp> ops = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT version, author, op_id, request, applied, at FROM ops WHERE sheet = ? ORDER BY version")) {
            q.setString(1, sheetId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ops.add(new LoggedOp(r.getLong(1), r.getString(2), r.getString(3), OpJson.read(r.getString(4)),
                            r.getString(5), Instant.ofEpochMilli(r.getLong(6))));
                }
            }
        }
        return ops;
    }

    private void write(Change.Applied change) throws SQLException {
        LoggedOp op = change.op();
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO ops (sheet, version, author, op_id, request, applied, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement update = db.prepareStatement(
                     "UPDATE sheets SET version = ?, rows = ?, columns = ?, updated_at = ? WHERE id = ?")) {
            insert.setString(1, change.sheetId());
            insert.setLong(2, op.version());
            insert.setString(3, op.by());
            insert.setString(4, op.opId());
            insert.setString(5, OpJson.write(op.request()));
            insert.setString(6, op.appliedText());
            insert.setLong(7, op.at().toEpochMilli());
            insert.executeUpdate();
            update.setLong(1, op.version());
            update.setInt(2, change.rows());
            update.setInt(3, change.columns());
            update.setLong(4, op.at().toEpochMilli());
            update.setString(5, change.sheetId());
            if (update.executeUpdate() != 1) {
                throw new SQLException("sheet " + change.sheetId() + " has no snapshot to apply op "
                        + op.version() + " on");
            }
        }
    }

    private void write(Change.Snapshotted change) throws SQLException {
        var snapshot = change.snapshot();
        long now = System.currentTimeMillis();
        try (PreparedStatement upsert = db.prepareStatement("""
                INSERT INTO sheets (id, version, snapshot_version, snapshot, rows, columns, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = MAX(version, excluded.version),
                  snapshot_version = excluded.snapshot_version, snapshot = excluded.snapshot""");
             PreparedStatement compact = db.prepareStatement("DELETE FROM ops WHERE sheet = ? AND version < ?")) {
            upsert.setString(1, snapshot.sheet());
            upsert.setLong(2, snapshot.version());
            upsert.setLong(3, snapshot.version());
            upsert.setString(4, SnapshotJson.write(snapshot));
            upsert.setInt(5, snapshot.rows().size());
            upsert.setInt(6, snapshot.columns().size());
            upsert.setLong(7, now);
            upsert.setLong(8, now);
            upsert.executeUpdate();
            compact.setString(1, snapshot.sheet());
            compact.setLong(2, change.keepFrom());
            compact.executeUpdate();
        }
    }

    private StoreException failure(String what, Exception e) {
        return new StoreException("the store (" + where + ") could not " + what + ": " + e.getMessage(), e);
    }
}
