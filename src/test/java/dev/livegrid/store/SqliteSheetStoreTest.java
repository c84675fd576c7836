package dev.livegrid.store;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.protocol.OpJson;
import dev.livegrid.protocol.SnapshotJson;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Snapshot;
import dev.livegrid.durability.TinyDisk;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SqliteSheetStore} in a real data directory: the {@link SheetStoreContract} (the in-memory
 * store runs it in {@link SqliteInMemorySheetStoreTest}), and what only the embedded store does —
 * the file survives a close, it is in WAL mode, the data directory is refused to a second user and
 * when its file is not a LiveGrid database, and a full disk fails a commit without losing anything.
 */
class SqliteSheetStoreTest extends SheetStoreContract {

    @TempDir
    Path dir;

    @Override
    protected SheetStore newStore() {
        return SqliteSheetStore.open(dir);
    }

    @Override
    protected String location(SheetStore store) {
        return ((SqliteSheetStore) store).location();
    }

    private SqliteSheetStore openFile() {
        return opened(SqliteSheetStore.open(dir));
    }

    // ---- the data directory ----

    @Test
    void aReopenedStoreSeesEverythingCommittedBeforeItWasClosed() {
        SqliteSheetStore first = openFile();
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

        SqliteSheetStore second = openFile();

        StoredSheet stored = second.load("durable").orElseThrow();
        assertEquals(w.loggedFrom(20), stored.ops());
        assertEquals(w.snapshot(), replay(stored));
        assertEquals(other.logged(), second.load("other").orElseThrow().ops());
        assertEquals(listed, second.list());
        assertEquals(history, second.history("durable", "r25", "c1"));
        assertTrue(second.location().endsWith("livegrid.db"), second.location());
        assertTrue(Files.exists(dir.resolve("livegrid.db")));
        assertTrue(Files.exists(dir.resolve("livegrid.lock")));
    }

    @Test
    void afterAReopenEachOpMatchesTheSameFrameResentSoDeduplicationSurvivesARestart() {
        // What a room compares to spot a resent op: op id and the request as decoded from the frame.
        List<String> frames = List.of(
                "{\"type\":\"addColumn\",\"id\":\"f1\",\"name\":\"名称\"}",
                "{\"type\":\"addColumn\",\"id\":\"f2\",\"name\":\"age\",\"after\":\"c1\"}",
                "{\"type\":\"insertRow\",\"id\":\"f3\",\"cells\":{\"c1\":\"Ming\",\"c2\":null}}",
                "{\"type\":\"insertRow\",\"id\":\"f4\",\"after\":\"r3\"}",
                "{\"type\":\"edit\",\"id\":\"f5\",\"row\":\"r3\",\"col\":\"c2\",\"value\":\"18\",\"base\":3}",
                "{\"type\":\"edit\",\"id\":\"f6\",\"row\":\"r4\",\"col\":\"c1\",\"value\":null}",
                "{\"type\":\"edit\",\"id\":\"f7\",\"row\":\"r4\",\"col\":\"c2\",\"value\":\"\\\"q\\\" \\\\ \\n 😀\",\"base\":0}",
                "{\"type\":\"renameColumn\",\"id\":\"f8\",\"col\":\"c2\",\"name\":\"年龄\"}",
                "{\"type\":\"deleteRow\",\"id\":\"f9\",\"row\":\"r4\"}",
                "{\"type\":\"deleteColumn\",\"id\":\"f10\",\"col\":\"c1\"}");
        SqliteSheetStore first = openFile();
        OpWriter w = OpWriter.empty("dedupe");
        List<Change> changes = new ArrayList<>(List.of(w.created()));
        List<ClientMessage.OpRequest> requests = new ArrayList<>();
        for (String frame : frames) {
            ClientMessage decoded = Codec.decode(frame);
            assertTrue(decoded instanceof ClientMessage.OpRequest, frame + " -> " + decoded);
            ClientMessage.OpRequest request = (ClientMessage.OpRequest) decoded;
            requests.add(request);
            changes.add(w.apply("u-x", request.id(), request.toOp()));
        }
        first.commit(changes);
        first.close();

        List<LoggedOp> reloaded = openFile().load("dedupe").orElseThrow().ops();

        assertEquals(frames.size(), reloaded.size());
        for (int i = 0; i < frames.size(); i++) {
            ClientMessage.OpRequest resent = (ClientMessage.OpRequest) Codec.decode(frames.get(i));
            assertEquals(resent.id(), reloaded.get(i).opId(), frames.get(i));
            assertEquals(resent.toOp(), reloaded.get(i).request(), "the resent frame equals the stored request: "
                    + frames.get(i));
        }
        assertEquals(w.logged(), reloaded);
    }

    /** The file format of the first release, written here by hand so a change to the store cannot move it. */
    private static final List<String> ORIGINAL_SCHEMA = List.of("""
            CREATE TABLE sheets (
              id TEXT PRIMARY KEY, version INTEGER NOT NULL, snapshot_version INTEGER NOT NULL,
              snapshot TEXT NOT NULL, rows INTEGER NOT NULL, columns INTEGER NOT NULL,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)""", """
            CREATE TABLE ops (
              sheet TEXT NOT NULL, version INTEGER NOT NULL, author TEXT NOT NULL, op_id TEXT NOT NULL,
              request TEXT NOT NULL, applied TEXT NOT NULL, at INTEGER NOT NULL,
              PRIMARY KEY (sheet, version)) WITHOUT ROWID""");

    @Test
    void aFileOfTheFirstReleaseOpensAndIsWrittenInItsFormat() throws Exception {
        OpWriter w = OpWriter.empty("old");
        Snapshot created = w.snapshot();
        Change.Applied one = w.apply("u-a", "1", new Op.AddColumn(null, "A", null));
        Change.Applied two = w.apply("u-a", "2", new Op.InsertRow(null, null, Map.of("c1", "x")));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("livegrid.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id = " + 0x4C475244);
            s.execute("PRAGMA journal_mode=WAL");
            for (String create : ORIGINAL_SCHEMA) {
                s.execute(create);
            }
            s.execute("INSERT INTO sheets VALUES ('old', 2, 0, '" + SnapshotJson.write(created).replace("'", "''")
                    + "', 1, 1, 1714557600000, " + two.op().at().toEpochMilli() + ")");
            for (Change.Applied op : List.of(one, two)) {
                s.execute("INSERT INTO ops VALUES ('old', " + op.op().version() + ", 'u-a', '" + op.op().opId() + "', '"
                        + OpJson.write(op.op().request()).replace("'", "''") + "', '"
                        + op.op().appliedText().replace("'", "''") + "', " + op.op().at().toEpochMilli() + ")");
            }
        }
        SqliteSheetStore store = openFile();

        assertEquals(new StoredSheet(created, w.logged(), Map.of(), 1714557600000L), store.load("old").orElseThrow());
        store.commit(List.of(w.apply("u-b", "3", new Op.Edit("r2", "c1", "y", 2L)), w.snapshotKeepingFrom(2)));
        store.close();

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("livegrid.db"));
             Statement s = c.createStatement()) {
            List<String> tables = column(s, "SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
            assertEquals(List.of(ORIGINAL_SCHEMA.get(1), ORIGINAL_SCHEMA.get(0)), tables.subList(1, 3),
                    "the first release's tables are unchanged");
            assertTrue(tables.get(0).startsWith("CREATE TABLE access"), "only the access table was added: " + tables);
            assertEquals(List.of("3|3|1|1"), column(s, "SELECT version || '|' || snapshot_version || '|' || rows || '|'"
                    + " || columns FROM sheets"));
            assertEquals(List.of(SnapshotJson.write(w.snapshot())), column(s, "SELECT snapshot FROM sheets"));
            assertEquals(List.of("2|u-a", "3|u-b"), column(s, "SELECT version || '|' || author FROM ops ORDER BY version"));
        }
    }

    private static List<String> column(Statement s, String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (var r = s.executeQuery(query)) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }

    @Test
    void theStoreIsInWalModeWithFullSync() throws Exception {
        SqliteSheetStore store = openFile();
        OpWriter w = OpWriter.empty("wal");
        store.commit(List.of(w.created()));
        // journal_mode is persistent in the file; synchronous is per connection, so only WAL is visible here.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("livegrid.db"));
             Statement s = c.createStatement();
             var r = s.executeQuery("PRAGMA journal_mode")) {
            assertTrue(r.next());
            assertEquals("wal", r.getString(1).toLowerCase());
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedNamingTheDirectory() {
        SqliteSheetStore first = openFile();
        OpWriter w = OpWriter.empty("one");
        first.commit(List.of(w.created()));

        StoreException refused = assertThrows(StoreException.class, () -> opened(SqliteSheetStore.open(dir)));

        String message = refused.getMessage();
        assertTrue(message.contains(dir.toAbsolutePath().toString()), "names the directory: " + message);
        assertTrue(message.contains("another LiveGrid server"), "says another server uses it: " + message);
        // The first store is not disturbed, and once it is closed the directory can be opened again.
        first.commit(List.of(w.apply("u", "1", new Op.AddColumn(null, "A", null))));
        assertEquals(1, first.load("one").orElseThrow().ops().size());
        first.close();
        SqliteSheetStore again = openFile();
        assertEquals(1, again.load("one").orElseThrow().ops().size());
    }

    @Test
    void aDirectoryHeldByAnotherProcessIsRefusedUntilThatProcessIsKilled() throws Exception {
        Process holder = StoreHolder.start(StoreHolder.class, dir.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("open", out.readLine(), "the other process opened the store");

            StoreException refused = assertThrows(StoreException.class, () -> opened(SqliteSheetStore.open(dir)));
            assertTrue(refused.getMessage().contains(dir.toAbsolutePath().toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("another LiveGrid server"), refused.getMessage());

            holder.destroyForcibly(); // SIGKILL: the OS releases the lock
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            SqliteSheetStore mine = openFile();
            OpWriter w = OpWriter.empty("after-kill");
            mine.commit(List.of(w.created()));
            assertTrue(mine.load("after-kill").isPresent());
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedAtOpenAndLeftAsItWas() throws Exception {
        Path file = dir.resolve("livegrid.db");
        byte[] garbage = new byte[64 * 1024];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) ("this is not a database; ".charAt(i % 24) + (i / 24) % 7);
        }
        Files.write(file, garbage);

        StoreException refused = assertThrows(StoreException.class, () -> opened(SqliteSheetStore.open(dir)));

        String message = refused.getMessage();
        assertTrue(message.contains(file.toAbsolutePath().toString()), "names the file: " + message);
        assertTrue(message.contains("cannot open") && message.contains("not a database"),
                "says why: " + message);
        assertArrayEquals(garbage, Files.readAllBytes(file), "the file is left exactly as it was");
        assertFalse(Files.exists(dir.resolve("livegrid.db-wal")) && Files.size(dir.resolve("livegrid.db-wal")) > 0,
                "nothing was logged against it");
        // The lock was given back: once the file is moved aside, the directory opens.
        Files.move(file, dir.resolve("livegrid.db.broken"));
        Files.deleteIfExists(dir.resolve("livegrid.db-wal"));
        Files.deleteIfExists(dir.resolve("livegrid.db-shm"));
        SqliteSheetStore store = openFile();
        assertEquals(List.of(), store.list());
    }

    @Test
    void aTruncatedDatabaseHeaderIsRefusedAtOpen() throws Exception {
        SqliteSheetStore store = openFile();
        OpWriter w = OpWriter.empty("cut");
        store.commit(List.of(w.created(), w.apply("u", "1", new Op.AddColumn(null, "A", null))));
        store.close();
        Path file = dir.resolve("livegrid.db");
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, 50)); // half of the 100-byte header

        StoreException refused = assertThrows(StoreException.class, () -> opened(SqliteSheetStore.open(dir)));

        assertTrue(refused.getMessage().contains(file.toAbsolutePath().toString()), refused.getMessage());
    }

    @Test
    void aDatabaseOfAnotherApplicationIsRefusedAtOpen() throws Exception {
        // A valid SQLite file, but with a "sheets" table of its own: not a LiveGrid database.
        Path file = dir.resolve("livegrid.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sheets (name TEXT, owner TEXT)");
            s.execute("INSERT INTO sheets VALUES ('budget', 'finance')");
        }

        StoreException refused = assertThrows(StoreException.class, () -> opened(SqliteSheetStore.open(dir)),
                "docs/ARCHITECTURE.md: a file that is not a LiveGrid database is refused at start-up"
                        + " rather than served half-working");

        assertTrue(refused.getMessage().contains(file.toAbsolutePath().toString()), refused.getMessage());
    }

    @Test
    void aCommitOnAFullDiskFailsSayingTheDiskIsFullAndCommitsAgainOnceThereIsRoom() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<TinyDisk> mounted = TinyDisk.mount("8m", why);
        Assumptions.assumeTrue(mounted.isPresent(), () -> "no tmpfs to fill here (needs root and mount): " + why);
        try (TinyDisk disk = mounted.get()) {
            SqliteSheetStore store = SqliteSheetStore.open(disk.path().resolve("data"));
            try {
                OpWriter w = OpWriter.empty("full");
                store.commit(List.of(w.created(), w.apply("u", "1", new Op.AddColumn(null, "A", null)),
                        w.apply("u", "2", new Op.InsertRow(null, null, Map.of()))));
                disk.fill();
                Change.Applied lost = w.apply("u", "3", new Op.Edit("r2", "c1", "x".repeat(5000), null));

                StoreException failure = assertThrows(StoreException.class, () -> store.commit(List.of(lost)));

                String chain = chain(failure);
                assertTrue(chain.contains("SQLITE_FULL") || chain.contains("disk is full"),
                        "the failure says the disk is full: " + chain);
                assertEquals(2, store.load("full").orElseThrow().ops().size(), "nothing of it was committed");
                assertEquals(2, store.list().get(0).version());
                disk.free();
                store.commit(List.of(lost));
                assertEquals(w.logged(), store.load("full").orElseThrow().ops());
            } finally {
                store.close();
            }
        }
    }
}
