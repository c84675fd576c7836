package dev.livegrid.store;

import dev.livegrid.access.Role;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default store: one SQLite file, {@code livegrid.db}, in the data directory, in WAL
 * mode with {@code synchronous=FULL}, so a commit is on disk when it returns and a crash at any
 * moment leaves the last committed state. One connection, used under this object's lock; commits
 * are batched by the caller (group commit), so one fsync serves many ops and many sheets, and the
 * commit's statements are prepared once on that connection and reused by every later commit.
 * <p>
 * This class owns what is SQLite's alone: the file, its lock, its application id, the PRAGMAs and
 * the schema below (the tables of the first release unchanged, so every existing file opens; the
 * access table was added later and is created in older files when they are opened). The
 * statements on the tables are {@link SheetTables}', shared with {@link DataSourceSheetStore}.
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
            CREATE TABLE IF NOT EXISTS access (
              sheet TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
              PRIMARY KEY (sheet, user_id)) WITHOUT ROWID;
            """;

    private final Connection db;
    private final DataDirectoryLock lock;
    private final SheetTables tables;

    private SqliteSheetStore(Connection db, DataDirectoryLock lock, String where) {
        this.db = db;
        this.lock = lock;
        this.tables = new SheetTables(SheetTables.Names.SQLITE, new SheetTables.Connections() {
            @Override
            public Connection borrow() {
                return db;
            }

            @Override
            public void giveBack(Connection connection) {
                // the one connection stays open until close
            }

            @Override
            public boolean sameConnectionEachTime() {
                return true;
            }
        }, where);
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
        return tables.where();
    }

    /** Marks the file as LiveGrid's ("LGRD"), so another application's SQLite file is refused. */
    private static final int APPLICATION_ID = 0x4C475244;

    private static Connection connect(String url) throws SQLException {
        // The driver itself, not DriverManager: inside a WAR the driver is in the application's class
        // loader, which DriverManager (loaded by the JDK) does not search ("No suitable driver").
        Properties properties = new Properties();
        // Otherwise the driver runs "SELECT last_insert_rowid()" on a new statement after every INSERT
        // (for getGeneratedKeys, which nothing here calls): a second statement per logged op.
        properties.setProperty(SQLiteConfig.Pragma.JDBC_GET_GENERATED_KEYS.pragmaName, "false");
        Connection db = org.sqlite.JDBC.createConnection(url, properties);
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
        return tables.load(sheetId);
    }

    @Override
    public synchronized void commit(List<Change> changes) {
        tables.commit(changes);
    }

    @Override
    public synchronized List<SheetSummary> list() {
        return tables.list();
    }

    @Override
    public synchronized boolean delete(String sheetId) {
        return tables.delete(sheetId);
    }

    @Override
    public synchronized Map<String, Role> accessOf(String userId) {
        return tables.accessOf(userId);
    }

    @Override
    public synchronized List<LoggedOp> history(String sheetId, String row, String col) {
        return tables.history(sheetId, row, col);
    }

    @Override
    public synchronized SheetTail tail(String sheetId, long after) {
        return tables.tail(sheetId, after);
    }

    @Override
    public synchronized Map<String, SheetMark> marks(List<String> sheetIds) {
        return tables.marks(sheetIds);
    }

    @Override
    public synchronized void close() {
        tables.closeKeptWrites(null);
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
}
