package dev.livegrid.store;

import dev.livegrid.sheet.Op;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DataSourceSheetStore} on real H2 databases: the {@link SheetStoreContract} through a
 * connection pool (as a Jakarta EE server lends them), and what only a store on a shared database
 * does — it creates its tables on the first open and finds them (and everything committed) on the
 * next, gives every connection back with auto-commit as lent, leaves nothing of a commit that fails
 * at any of its statements, fails every call with a StoreException naming it while the database is
 * gone and goes on when it is back, refuses tables of its names but another shape, leaves an
 * application's own tables alone, and warns when the database would lose acknowledged edits.
 */
class DataSourceSheetStoreTest extends SheetStoreContract {

    private static final String JNDI = "java:comp/DefaultDataSource";

    @TempDir
    Path dir;

    private final List<JdbcConnectionPool> pools = new ArrayList<>();
    private final List<DataSource> databases = new ArrayList<>();

    /** A fresh in-memory H2 database behind H2's own pool. */
    @Override
    protected SheetStore newStore() {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:contract-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        pools.add(pool);
        databases.add(pool);
        return DataSourceSheetStore.open(pool, JNDI);
    }

    @Override
    protected String location(SheetStore store) {
        return ((DataSourceSheetStore) store).location();
    }

    @AfterEach
    void shutDownDatabases() {
        for (DataSource database : databases) {
            try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException gone) {
                // already shut down (or moved away) by the test
            }
        }
        pools.forEach(JdbcConnectionPool::dispose);
    }

    // ---- tables ----

    @Test
    void theFirstOpenCreatesTheTablesAndTheNextFindsEverythingCommitted() {
        DataSource h2 = h2File("shared", "");
        assertEquals(List.of(), tables(h2), "nothing there before the first open");

        DataSourceSheetStore first = opened(DataSourceSheetStore.open(h2, JNDI));

        assertEquals(List.of("LIVEGRID_ACCESS", "LIVEGRID_OPS", "LIVEGRID_PRESENCE", "LIVEGRID_SERVERS", "LIVEGRID_SHEETS"), tables(h2));
        assertEquals("DataSource " + JNDI, first.location());
        OpWriter w = OpWriter.empty("durable");
        OpWriter other = OpWriter.empty("other");
        first.commit(List.of(w.created(), other.created(), w.apply("u-a", "1", new Op.AddColumn(null, "A", null))));
        for (int i = 2; i <= 30; i++) {
            first.commit(List.of(w.apply("u-a", "" + i, new Op.InsertRow(null, null, Map.of("c1", "row " + i)))));
        }
        first.commit(List.of(w.snapshotKeepingFrom(20), other.apply("u-b", "1", new Op.AddColumn(null, "O", null))));
        first.commit(List.of(w.apply("u-a", "31", new Op.DeleteRow("r30"))));
        List<SheetSummary> listed = first.list();
        List<LoggedOp> history = first.history("durable", "r25", "c1");
        first.close();
        shutDown(h2); // the next open reads the file

        DataSourceSheetStore second = opened(DataSourceSheetStore.open(h2File("shared", ""), JNDI));

        StoredSheet stored = second.load("durable").orElseThrow();
        assertEquals(w.loggedFrom(20), stored.ops());
        assertEquals(w.snapshot(), replay(stored));
        assertEquals(other.logged(), second.load("other").orElseThrow().ops());
        assertEquals(listed, second.list());
        assertFalse(history.isEmpty());
        assertEquals(history, second.history("durable", "r25", "c1"));
        assertEquals(List.of("LIVEGRID_ACCESS", "LIVEGRID_OPS", "LIVEGRID_PRESENCE", "LIVEGRID_SERVERS", "LIVEGRID_SHEETS"), tables(h2));
    }

    @Test
    void anApplicationsOwnSheetsAndOpsTablesAreLeftAlone() {
        DataSource h2 = h2Memory();
        execute(h2, "CREATE TABLE sheets (name VARCHAR(50), owner VARCHAR(50))",
                "INSERT INTO sheets VALUES ('budget', 'finance')",
                "CREATE TABLE ops (id INTEGER PRIMARY KEY, what VARCHAR(50))",
                "INSERT INTO ops VALUES (1, 'payroll')");
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(h2, JNDI));
        OpWriter w = OpWriter.empty("budget");

        store.commit(List.of(w.created(), w.apply("u", "1", new Op.AddColumn(null, "A", null))));

        assertEquals(w.logged(), store.load("budget").orElseThrow().ops());
        assertEquals(List.of("budget|finance"), rows(h2, "SELECT * FROM sheets"));
        assertEquals(List.of("1|payroll"), rows(h2, "SELECT * FROM ops"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CREATE TABLE livegrid_sheets (name VARCHAR(50), owner VARCHAR(50))"
                    + "| table livegrid_sheets: it has no column id; it has no column version",
            "CREATE TABLE livegrid_ops (sheet VARCHAR(255) NOT NULL, version VARCHAR(20) NOT NULL, author VARCHAR(255),"
                    + " op_id VARCHAR(255), request CLOB, applied CLOB, at BIGINT, PRIMARY KEY (sheet, version))"
                    + "| table livegrid_ops: its column version is VARCHAR where LiveGrid keeps a whole number",
            "CREATE TABLE livegrid_ops (sheet VARCHAR(255), version BIGINT, author VARCHAR(255), op_id VARCHAR(255),"
                    + " request TEXT, applied TEXT, at BIGINT)"
                    + "| table livegrid_ops: its primary key is missing where LiveGrid's is (sheet, version)",
            "CREATE TABLE livegrid_sheets (id VARCHAR(255), version BIGINT, snapshot_version BIGINT, snapshot TEXT,"
                    + " row_count INTEGER, column_count INTEGER, created_at BIGINT, updated_at BIGINT,"
                    + " PRIMARY KEY (id, version))"
                    + "| table livegrid_sheets: its primary key is (id, version) where LiveGrid's is (id)",
    })
    void tablesOfLiveGridsNamesButAnotherShapeAreRefusedSayingWhatIsWrongAndLeftAsTheyWere(String create, String why) {
        DataSource h2 = h2Memory();
        execute(h2, create);
        List<String> before = tables(h2);

        StoreException refused = assertThrows(StoreException.class, () -> opened(DataSourceSheetStore.open(h2, "jdbc/shared")));

        String message = refused.getMessage();
        assertTrue(message.startsWith("the store (DataSource jdbc/shared) could not open its tables livegrid_sheets and"
                + " livegrid_ops: the database has tables of LiveGrid's names that are not LiveGrid's ("), message);
        assertTrue(message.contains(why), "says what is wrong (" + why + "): " + message);
        assertTrue(message.endsWith("rename or drop them, or give LiveGrid a database or schema of its own"), message);
        assertEquals(before, tables(h2), "no table was created next to the foreign one");
    }

    @Test
    void extraColumnsAndOtherSpellingsOfTheTypesAreLiveGridsShapeToo() {
        DataSource h2 = h2Memory();
        execute(h2, "CREATE TABLE livegrid_sheets (id VARCHAR(64) PRIMARY KEY, version NUMERIC(19) NOT NULL,"
                + " snapshot_version BIGINT NOT NULL, snapshot CLOB NOT NULL, row_count INTEGER NOT NULL,"
                + " column_count SMALLINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
                + " note VARCHAR(100) DEFAULT 'added by the DBA')");
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(h2, JNDI));
        OpWriter w = OpWriter.empty("clob");

        store.commit(List.of(w.created(), w.apply("u", "1", new Op.AddColumn(null, "A", null)),
                w.apply("u", "2", new Op.InsertRow(null, null, Map.of("c1", "long ".repeat(2_000))))));
        store.commit(List.of(w.snapshotKeepingFrom(1)));

        StoredSheet stored = store.load("clob").orElseThrow();
        assertEquals(w.snapshot(), stored.snapshot());
        assertEquals(w.logged(), stored.ops());
    }

    // ---- connections ----

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyCallGivesItsConnectionBackWithAutoCommitAsItWasLent(boolean autoCommit) {
        DataSource h2 = h2Memory();
        TrackingDataSource tracked = new TrackingDataSource(h2, autoCommit);
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(tracked, JNDI));
        assertEquals(0, tracked.out(), "open gave its connections back");
        OpWriter w = OpWriter.empty("lent");
        Change.Snapshotted created = w.created();
        Change.Applied first = w.apply("u", "1", new Op.AddColumn(null, "A", null));
        List<Runnable> calls = List.of(
                () -> store.commit(List.of(created, first)),
                () -> store.load("lent"),
                () -> store.load("missing"),
                store::list,
                () -> store.history("lent", "r1", "c1"),
                () -> store.commit(List.of(first)),                     // fails: version 1 again
                () -> store.commit(List.of(OpWriter.empty("orphan").apply("u", "1", new Op.AddColumn(null, "A", null)))),
                () -> store.delete("missing"));
        int failures = 0;
        for (Runnable call : calls) {
            int lentBefore = tracked.lent();
            try {
                call.run();
            } catch (StoreException | SheetsBehindException expected) {
                failures++;
            }
            assertEquals(lentBefore + 1, tracked.lent(), "one connection per call");
            assertEquals(0, tracked.out(), "every connection is back");
        }

        assertEquals(2, failures);
        assertEquals(List.of(), tracked.returnedChanged());
        assertEquals(1, sessions(h2), "H2 has no session left but the one counting");
        // Committed for everyone, not only in the store's own session.
        assertEquals(List.of("lent|1"), rows(h2, "SELECT sheet, version FROM livegrid_ops"));
        assertTrue(store.delete("lent"));
        assertEquals(List.of(), rows(h2, "SELECT sheet, version FROM livegrid_ops"));
        assertEquals(0, tracked.out());
    }

    // ---- all or nothing ----

    @Test
    void aCommitThatFailsAtAnyOfItsStatementsLeavesTheTablesAsTheyWere() {
        DataSource h2 = h2Memory();
        TrackingDataSource tracked = new TrackingDataSource(h2, true);
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(tracked, "jdbc/midway"));
        OpWriter w = OpWriter.empty("midway");
        store.commit(List.of(w.created(), w.apply("u", "1", new Op.AddColumn(null, "A", null)),
                w.apply("u", "2", new Op.InsertRow(null, null, Map.of("c1", "x")))));
        for (int i = 3; i <= 8; i++) {
            store.commit(List.of(w.apply("u", "" + i, new Op.Edit("r2", "c1", "v" + i, null))));
        }
        OpWriter fresh = OpWriter.empty("fresh");
        List<Change> batch = List.of(fresh.created(),
                w.apply("u", "9", new Op.Edit("r2", "c1", "v9", null)),
                fresh.apply("u", "1", new Op.AddColumn(null, "F", null)),
                w.apply("u", "10", new Op.AddColumn(null, "B", "c1")),
                w.snapshotKeepingFrom(9),                                      // compacts ops 1..8
                w.apply("u", "11", new Op.Edit("r2", "c10", "y", null)));                // c10: added by v10
        List<String> before = contents(h2);

        int statement = 1;
        for (; ; statement++) {
            tracked.failUpdate(statement);
            try {
                store.commit(batch);
                break; // the batch has fewer statements than that: it went through
            } catch (StoreException failure) {
                assertEquals("the store (DataSource jdbc/midway) could not commit 6 changes: injected failure of"
                        + " write statement " + statement, failure.getMessage());
                assertEquals(before, contents(h2), "nothing of the batch is left when statement " + statement + " fails");
                assertEquals(0, tracked.out());
            }
        }

        assertTrue(statement > 10, "every statement of the batch failed once: " + (statement - 1));
        assertEquals(w.loggedFrom(9), store.load("midway").orElseThrow().ops());
        assertEquals(w.snapshot(), replay(store.load("midway").orElseThrow()));
        assertEquals(fresh.logged(), store.load("fresh").orElseThrow().ops());
    }

    // ---- the database goes away ----

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void whileTheDatabaseIsGoneEveryCallFailsNamingTheStoreAndTheStoreGoesOnWhenItIsBack(boolean pooled) throws Exception {
        Path file = dir.resolve("away.mv.db");
        String url = "jdbc:h2:" + dir.resolve("away") + ";IFEXISTS=TRUE";
        execute(h2File("away", ""), "SELECT 1"); // creates the file, so IFEXISTS finds it
        DataSource h2 = pooled ? pool(url) : h2Url(url);
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(h2, "jdbc/away"));
        OpWriter w = OpWriter.empty("kept");
        store.commit(List.of(w.created(), w.apply("u", "1", new Op.AddColumn(null, "A", null))));
        shutDown(h2);
        Files.move(file, dir.resolve("away.aside"));
        Change.Applied lost = w.apply("u", "2", new Op.InsertRow(null, null, Map.of()));

        List<Supplier<StoreException>> calls = List.of(
                () -> assertThrows(StoreException.class, () -> store.commit(List.of(lost))),
                () -> assertThrows(StoreException.class, () -> store.load("kept")),
                () -> assertThrows(StoreException.class, store::list),
                () -> assertThrows(StoreException.class, () -> store.history("kept", "r2", "c1")),
                () -> assertThrows(StoreException.class, () -> store.delete("kept")));
        List<String> whats = List.of("commit 1 changes", "read sheet kept", "list sheets",
                "read the history of sheet kept", "delete sheet kept");
        for (int i = 0; i < calls.size(); i++) {
            StoreException failure = calls.get(i).get();
            assertTrue(failure.getMessage().startsWith("the store (DataSource jdbc/away) could not " + whats.get(i) + ": "),
                    failure.getMessage());
            SQLException cause = assertInstanceOf(SQLException.class, failure.getCause());
            assertTrue(failure.getMessage().endsWith(cause.getMessage()), "with H2's own error: " + chain(failure));
        }

        Files.move(dir.resolve("away.aside"), file);
        if (pooled) {
            pools.get(pools.size() - 1).dispose(); // H2's simple pool keeps dead connections; a server's validates them
        }
        DataSourceSheetStore again = pooled ? opened(DataSourceSheetStore.open(pool(url), "jdbc/away")) : store;
        assertEquals(w.logged().subList(0, 1), again.load("kept").orElseThrow().ops(), "the failed commit left nothing");
        again.commit(List.of(lost));
        assertEquals(w.logged(), again.load("kept").orElseThrow().ops());
    }

    @Test
    void aDatabaseThatCannotBeReachedIsRefusedAtOpenNamingTheStore() {
        DataSource none = h2Url("jdbc:h2:" + dir.resolve("none") + ";IFEXISTS=TRUE");

        StoreException refused = assertThrows(StoreException.class, () -> opened(DataSourceSheetStore.open(none, "jdbc/none")));

        assertTrue(refused.getMessage().startsWith("the store (DataSource jdbc/none) could not open its tables"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("not found"), "H2's own words: " + refused.getMessage());
        assertFalse(Files.exists(dir.resolve("none.mv.db")));
    }

    // ---- durability ----

    @Test
    void openWarnsWhenTheDatabaseWouldLoseAcknowledgedEdits() {
        List<String> logged = new ArrayList<>();
        Logger log = Logger.getLogger(DataSourceSheetStore.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    logged.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            List<String> memory = opened(DataSourceSheetStore.open(h2Memory(), "jdbc/memory")).warnings();
            List<String> delayed = opened(DataSourceSheetStore.open(h2File("delayed", ";TRACE_LEVEL_FILE=0"),
                    "jdbc/delayed")).warnings();
            List<String> durable = opened(DataSourceSheetStore.open(h2File("durable", ";WRITE_DELAY=0"), "jdbc/durable"))
                    .warnings();

            assertEquals(1, memory.size(), memory.toString());
            assertTrue(memory.get(0).startsWith("the store (DataSource jdbc/memory): the database is H2 in memory"),
                    memory.get(0));
            assertEquals(1, delayed.size(), delayed.toString());
            assertTrue(delayed.get(0).startsWith("the store (DataSource jdbc/delayed): H2 writes commits to disk only"
                    + " after WRITE_DELAY ms"), delayed.get(0));
            assertTrue(delayed.get(0).contains(";WRITE_DELAY=0"), "says how to fix it: " + delayed.get(0));
            assertTrue(delayed.get(0).endsWith("URL (jdbc:h2:" + dir.resolve("delayed") + ")"),
                    "names the database but none of the URL's settings (a password may be one): " + delayed.get(0));
            assertEquals(List.of(), durable);
            assertEquals(List.of(memory.get(0), delayed.get(0)), logged, "open logs them");
        } finally {
            log.removeHandler(handler);
        }
    }

    // ---- helpers ----

    private DataSource h2Memory() {
        return h2Url("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    private DataSource h2File(String name, String options) {
        return h2Url("jdbc:h2:" + dir.resolve(name) + options);
    }

    private DataSource h2Url(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        databases.add(h2);
        return h2;
    }

    private DataSource pool(String url) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pools.add(pool);
        return pool;
    }

    private static void shutDown(DataSource h2) {
        execute(h2, "SHUTDOWN");
    }

    private static void execute(DataSource h2, String... statements) {
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** LiveGrid's tables in the database, by name. */
    private static List<String> tables(DataSource h2) {
        return rows(h2, "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'LIVEGRID%'"
                + " ORDER BY table_name");
    }

    private static int sessions(DataSource h2) {
        return Integer.parseInt(rows(h2, "SELECT count(*) FROM information_schema.sessions").get(0));
    }

    /** Every row of both tables, every column, in key order. */
    private static List<String> contents(DataSource h2) {
        List<String> all = new ArrayList<>(rows(h2, "SELECT * FROM livegrid_sheets ORDER BY id"));
        all.addAll(rows(h2, "SELECT * FROM livegrid_ops ORDER BY sheet, version"));
        return all;
    }

    private static List<String> rows(DataSource h2, String query) {
        List<String> rows = new ArrayList<>();
        try (Connection c = h2.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    values.add(Optional.ofNullable(r.getString(i)).orElse("null"));
                }
                rows.add(String.join("|", values));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return rows;
    }
}
