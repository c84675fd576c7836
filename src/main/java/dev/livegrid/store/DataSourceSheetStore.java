package dev.livegrid.store;

import dev.livegrid.access.Role;
import dev.livegrid.sheet.Snapshot;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A store in a database the caller hands over as a {@link DataSource} — in a Jakarta EE server one
 * looked up in JNDI, such as {@code java:comp/DefaultDataSource} (H2 on WildFly and Payara), or a
 * PostgreSQL server. Sheets live in the tables {@code livegrid_sheets} and {@code livegrid_ops}
 * ({@link SharedSchema}), created on the first open; the statements on them are the embedded
 * store's ({@link SheetTables}), so both stores behave the same.
 * <p>
 * Each call borrows a connection (the container pools them), runs one local transaction on it
 * and gives it back with auto-commit as it was. The calls come from LiveGrid's own threads,
 * outside any JTA transaction; a connection enlisted in one would refuse the commit, which is
 * reported like any other failure. A commit is as durable as the database makes it when it
 * returns: PostgreSQL writes it to disk by default; H2 keeps it in memory for up to
 * {@code WRITE_DELAY} ms (500 by default), so even a killed process loses it, unless the URL sets
 * {@code WRITE_DELAY=0} ({@link #warnings} says so at open).
 * <p>
 * The store is {@link #shared}: several servers may use the same tables (cluster mode,
 * docs/ARCHITECTURE.md). A commit moves a sheet only from the version its ops were numbered after
 * ({@link SheetsBehindException} otherwise), notifies other servers on PostgreSQL
 * ({@link PostgresNotify}), and reads of several statements run repeatable-read, so a sheet is never
 * read half before and half after another server's commit. Calls are not serialised: each runs on a
 * connection of its own, so a catch-up read never waits behind a commit.
 */
public final class DataSourceSheetStore implements SheetStore {

    private static final Logger LOG = Logger.getLogger(DataSourceSheetStore.class.getName());

    private final DataSource dataSource;
    private final SheetTables tables;
    private final PresenceTables presence;
    private final List<String> warnings;
    /** What closes with the store: a pool the store was opened on, or nothing for a container's data source. */
    private final AutoCloseable owned;
    private volatile boolean closed;
    /** The key of the PostgreSQL advisory lock that serialises creating the tables ("LGRD" and 1). */
    private static final long SCHEMA_LOCK = 0x4C47524400000001L;

    private DataSourceSheetStore(DataSource dataSource, String where, AutoCloseable owned) {
        PostgresNotify signals = new PostgresNotify();
        this.dataSource = dataSource;
        this.owned = owned;
        this.tables = new SheetTables(SheetTables.Names.SHARED, new SheetTables.Connections() {
            @Override
            public Connection borrow() throws SQLException {
                return DataSourceSheetStore.this.borrow();
            }

            @Override
            public void giveBack(Connection connection) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the pool discards a connection it cannot take back
                }
            }
        }, where, signals, true);
        this.presence = new PresenceTables(tables, signals);
        try {
            tables.transaction(DataSourceSheetStore::claim);
        } catch (SQLException | RuntimeException e) {
            throw tables.failure("open its tables " + SheetTables.Names.SHARED.sheets() + " and "
                    + SheetTables.Names.SHARED.ops(), e);
        }
        this.warnings = durabilityWarnings().stream().map(w -> "the store (" + where + "): " + w).toList();
    }

    /**
     * Opens the store on {@code dataSource}, creating its tables if they are absent.
     *
     * @param name what the data source is called (its JNDI name), for logs and error messages
     * @throws StoreException if the database cannot be reached or holds tables of those names that
     *                        are not LiveGrid's
     */
    public static DataSourceSheetStore open(DataSource dataSource, String name) {
        return open(dataSource, "DataSource " + name, null);
    }

    /** Opens the store on a pool of its own, which it closes with itself. */
    static DataSourceSheetStore open(DataSource pool, String where, AutoCloseable owned) {
        DataSourceSheetStore store = new DataSourceSheetStore(pool, where, owned);
        for (String warning : store.warnings) {
            LOG.warning(warning);
        }
        return store;
    }

    /** Where the data lives, for logs: {@code DataSource } and the name given to {@link #open}. */
    public String location() {
        return tables.where();
    }

    /**
     * What about the database makes a commit less durable than an acknowledgement promises (logged
     * at open): an H2 database in memory, or one that writes commits to disk only later
     * ({@code WRITE_DELAY} above 0, H2's default, loses the last half second of commits on a crash);
     * a PostgreSQL session with {@code synchronous_commit} off. Empty when there is nothing to say.
     */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public Optional<StoredSheet> load(String sheetId) {
        return tables.load(sheetId);
    }

    @Override
    public void commit(List<Change> changes) {
        tables.commit(changes);
    }

    @Override
    public List<SheetSummary> list() {
        return tables.list();
    }

    @Override
    public boolean delete(String sheetId) {
        return tables.delete(sheetId);
    }

    @Override
    public Map<String, Role> accessOf(String userId) {
        return tables.accessOf(userId);
    }

    @Override
    public List<LoggedOp> history(String sheetId, String row, String col) {
        return tables.history(sheetId, row, col);
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public SheetTail tail(String sheetId, long after) {
        return tables.tail(sheetId, after);
    }

    @Override
    public Map<String, SheetMark> marks(List<String> sheetIds) {
        return tables.marks(sheetIds);
    }

    @Override
    public StoredSheet createOrLoad(Snapshot initial, Map<String, Role> access) {
        return tables.createOrLoad(initial, access);
    }

    /**
     * A PostgreSQL {@code LISTEN} on a connection of the data source's; null on another database, or
     * where the driver's classes are not visible to LiveGrid (polling then does the work alone).
     */
    @Override
    public SignalListener listen() {
        try (Connection probe = borrow()) {
            if (!"PostgreSQL".equals(probe.getMetaData().getDatabaseProductName())) {
                return null;
            }
        } catch (SQLException e) {
            throw tables.failure("reach the database to listen for other servers' commits", e);
        }
        try {
            return PostgresSignals.listen(this::borrow, tables.where());
        } catch (LinkageError e) {
            LOG.warning(() -> "the store (" + tables.where() + "): the PostgreSQL driver's classes are not visible"
                    + " to LiveGrid, so other servers' commits are found by polling alone: " + e);
            return null;
        } catch (SQLException e) {
            throw tables.failure("listen for other servers' commits", e);
        }
    }

    @Override
    public Map<String, Role> accessList(String sheetId) {
        return tables.accessList(sheetId);
    }

    @Override
    public void sharePresence(String sheetId, List<dev.livegrid.protocol.ServerMessage.User> users) {
        presence.share(sheetId, users);
    }

    @Override
    public Map<String, List<dev.livegrid.protocol.ServerMessage.User>> presenceElsewhere(String sheetId) {
        return presence.elsewhere(sheetId);
    }

    @Override
    public Map<String, Map<String, List<dev.livegrid.protocol.ServerMessage.User>>> presenceElsewhere(List<String> sheetIds) {
        return presence.elsewhere(sheetIds);
    }

    @Override
    public java.util.Set<String> heartbeat() {
        return presence.heartbeat();
    }

    @Override
    public String signalName() {
        return tables.server();
    }

    /** Refuses later calls; a container's data source stays open, a pool of the store's own is closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            presence.leave();
        } catch (StoreException e) {
            LOG.warning(() -> "this server's users stay on other servers' lists until it counts as gone: " + e.getMessage());
        }
        closed = true;
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warning(() -> "the store's connection pool did not close cleanly: " + e);
            }
        }
    }

    private Connection borrow() throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        return dataSource.getConnection();
    }

    /** Creates the tables that are absent and refuses existing ones of another shape. */
    private static Void claim(Connection c) throws SQLException {
        if ("PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
            // Servers starting at the same moment on an empty database would each create the tables, and
            // PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against that: one at a time (the lock
            // ends with this transaction; the next finds the tables there).
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
            }
        }
        List<String> problems = SharedSchema.createOrCheck(c);
        if (!problems.isEmpty()) {
            throw new SQLException("the database has tables of LiveGrid's names that are not LiveGrid's ("
                    + String.join("; ", problems) + "); rename or drop them, or give LiveGrid a database or schema"
                    + " of its own");
        }
        return null;
    }

    /** A separate transaction: a setting that cannot be read is worth a warning, not a refused start. */
    private List<String> durabilityWarnings() {
        try {
            return tables.transaction(DataSourceSheetStore::durabilityWarnings);
        } catch (SQLException | RuntimeException e) {
            return List.of("could not check how durable a commit is: " + e.getMessage());
        }
    }

    private static List<String> durabilityWarnings(Connection c) throws SQLException {
        List<String> warnings = new ArrayList<>();
        String product = c.getMetaData().getDatabaseProductName();
        String url = String.valueOf(c.getMetaData().getURL()).split(";", 2)[0]; // settings, a password among them, left out
        if ("H2".equals(product)) {
            if (url.startsWith("jdbc:h2:mem:")) {
                warnings.add("the database is H2 in memory (" + url + "): every sheet is lost when the server stops");
            } else if (setting(c, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME = 'WRITE_DELAY'").filter(v -> !v.equals("0")).isPresent()) {
                warnings.add("H2 writes commits to disk only after WRITE_DELAY ms, so a crash (even kill -9) can lose"
                        + " acknowledged edits; add ;WRITE_DELAY=0 to the data source's URL (" + url + ")");
            }
        } else if ("PostgreSQL".equals(product)
                && setting(c, "SHOW synchronous_commit").filter(v -> v.toLowerCase(Locale.ROOT).equals("off")).isPresent()) {
            warnings.add("synchronous_commit is off, so a crash can lose acknowledged edits; set it to on");
        }
        return warnings;
    }

    private static Optional<String> setting(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
        }
    }
}
