package dev.livegrid.store;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import dev.livegrid.durability.TinyDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SqliteSheetStore} on its own, in a real data directory ({@code open}) and in memory: what a
 * commit writes comes back from {@code load} exactly (snapshot, then ops in version order, every
 * field of each op), snapshots compact the op log, listings and history read it, a commit is all or
 * nothing, and the data directory is refused to a second user and when its file is not a database.
 */
@Timeout(60)
class SqliteSheetStoreTest {

    /** The two ways to get a store; both must behave the same for everything but surviving a close. */
    enum Kind { FILE, MEMORY }

    @TempDir
    Path dir;

    private final List<SheetStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(SheetStore::close);
    }

    private SheetStore store(Kind kind) {
        SheetStore store = kind == Kind.FILE ? SqliteSheetStore.open(dir) : SqliteSheetStore.inMemory();
        opened.add(store);
        return store;
    }

    private SqliteSheetStore openFile() {
        SqliteSheetStore store = SqliteSheetStore.open(dir);
        opened.add(store);
        return store;
    }

    // ---- commit and load ----

    @ParameterizedTest
    @EnumSource(Kind.class)
    void loadGivesTheSnapshotAndEveryCommittedOpInVersionOrderWithAllItsFields(Kind kind) {
        SheetStore store = store(kind);
        OpWriter w = OpWriter.empty("s1");
        Snapshot created = w.snapshot();
        List<Change> first = new ArrayList<>();
        first.add(w.created());
        first.add(w.apply("u-alice", "a1", new Op.AddColumn(null, "名称 \"quoted\"", null)));          // v1 c1
        first.add(w.apply("u-alice", "a2", new Op.AddColumn(null, "age", "c1")));                      // v2 c2
        first.add(w.apply("u-bob", "b1", new Op.InsertRow(null, null, Map.of("c1", "小明"))));         // v3 r3
        store.commit(first);
        // Later commits, one op each, as group commit may also do.
        store.commit(List.of(w.apply("u-bob", "b2", new Op.Edit("r3", "c2", "18", 0L))));              // v4, base 0
        Map<String, String> cells = new LinkedHashMap<>();
        cells.put("c2", "17");
        cells.put("c1", null);
        store.commit(List.of(w.apply("http", "h1", new Op.InsertRow(null, "r3", cells))));             // v5 r5
        store.commit(List.of(w.apply("u-alice", "a3", new Op.Edit("r5", "c1", null, null))));         // v6, empties
        store.commit(List.of(w.apply("u-alice", "a4", new Op.RenameColumn("c2", "年龄"))));             // v7
        store.commit(List.of(w.apply("u-bob", "b3", new Op.Edit("r3", "c1", "line\nbreak\t\"x\"\\ 😀", 3L)))); // v8
        store.commit(List.of(w.apply("u-bob", "b4", new Op.DeleteRow("r5"))));                         // v9
        store.commit(List.of(w.apply("u-alice", "a5", new Op.DeleteColumn("c2"))));                    // v10

        StoredSheet stored = store.load("s1").orElseThrow();

        assertEquals(created, stored.snapshot(), "the snapshot as written when the sheet was created");
        assertEquals(w.logged(), stored.ops(), "every op, in version order, with request (base included),"
                + " applied text, author, op id and time");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), stored.ops().stream().map(LoggedOp::version).toList());
        assertEquals(new Op.Edit("r3", "c2", "18", 0L), stored.ops().get(3).request(), "base 0 is kept, not dropped");
        assertEquals(cells, ((Op.InsertRow) stored.ops().get(4).request()).cells(), "a null cell is kept as null");
        assertTrue(((Op.InsertRow) stored.ops().get(4).request()).cells().containsKey("c1"));
        assertEquals(new Op.Edit("r3", "c1", "line\nbreak\t\"x\"\\ 😀", 3L), stored.ops().get(7).request());
        assertEquals(w.snapshot(), replay(stored), "snapshot + replayed requests = the sheet as it was");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSheetNeverCommittedIsNotThere(Kind kind) {
        SheetStore store = store(kind);
        assertEquals(Optional.empty(), store.load("nothing"));
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), store.history("nothing", "r1", "c1"));
        assertFalse(store.delete("nothing"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSnapshotReplacesTheOldOneAndItsKeepFromDropsOnlyOlderOps(Kind kind) {
        SheetStore store = store(kind);
        OpWriter w = OpWriter.empty("compact");
        store.commit(List.of(w.created(), w.apply("u-a", "o1", new Op.AddColumn(null, "A", null))));
        store.commit(List.of(w.apply("u-a", "o2", new Op.InsertRow(null, null, Map.of("c1", "x")))));
        for (int i = 3; i <= 8; i++) {
            store.commit(List.of(w.apply("u-a", "o" + i, new Op.Edit("r2", "c1", "v" + i, null))));
        }
        Snapshot atEight = w.snapshot();
        // As a room does: a snapshot at v8 that keeps ops from v6 on (the resume window), in the same
        // transaction as ops after it.
        store.commit(List.of(w.snapshotKeepingFrom(6), w.apply("u-a", "o9", new Op.Edit("r2", "c1", "v9", null))));
        store.commit(List.of(w.apply("u-a", "o10", new Op.Edit("r2", "c1", "v10", null))));

        StoredSheet stored = store.load("compact").orElseThrow();
        assertEquals(atEight, stored.snapshot(), "the newest snapshot");
        assertEquals(w.loggedFrom(6), stored.ops(), "ops 6..10 kept (6..8 for resume, 9..10 to replay)");
        assertEquals(w.snapshot(), replay(stored));
        SheetSummary summary = store.list().get(0);
        assertEquals(10, summary.version(), "the snapshot does not move the sheet's version back");

        // A second snapshot that keeps everything after it.
        store.commit(List.of(w.snapshotKeepingFrom(11)));
        StoredSheet again = store.load("compact").orElseThrow();
        assertEquals(w.snapshot(), again.snapshot());
        assertEquals(List.of(), again.ops());
        assertEquals(10, store.list().get(0).version());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void listShowsEverySheetByIdWithVersionSizeAndLastChange(Kind kind) {
        SheetStore store = store(kind);
        OpWriter b = OpWriter.empty("b-sheet");
        OpWriter a = OpWriter.empty("a-sheet");
        OpWriter empty = OpWriter.empty("c-empty");
        Instant before = Instant.now().minusSeconds(1);
        store.commit(List.of(b.created(), a.created(), empty.created(),
                b.apply("u-1", "1", new Op.AddColumn(null, "A", null)),
                b.apply("u-1", "2", new Op.AddColumn(null, "B", "c1")),
                b.apply("u-1", "3", new Op.InsertRow(null, null, Map.of())),
                a.apply("u-2", "1", new Op.AddColumn(null, "A", null))));
        store.commit(List.of(b.apply("u-1", "4", new Op.InsertRow(null, "r3", Map.of("c2", "y"))),
                b.apply("u-1", "5", new Op.DeleteColumn("c1"))));
        Instant after = Instant.now().plusSeconds(1);

        List<SheetSummary> list = store.list();

        assertEquals(List.of("a-sheet", "b-sheet", "c-empty"), list.stream().map(SheetSummary::id).toList());
        SheetSummary sa = list.get(0);
        SheetSummary sb = list.get(1);
        SheetSummary sc = list.get(2);
        assertEquals(new SheetSummary("a-sheet", 1, 0, 1, a.at(1).at()), sa);
        assertEquals(new SheetSummary("b-sheet", 5, 2, 1, b.at(5).at()), sb, "version, rows and columns after v5");
        assertEquals(0, sc.version());
        assertEquals(0, sc.rows());
        assertEquals(0, sc.columns());
        assertTrue(!sc.updated().isBefore(before) && !sc.updated().isAfter(after),
                "a sheet without ops was updated when it was created: " + sc.updated());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deleteRemovesTheSheetAndItsOpsOnlyAndTheIdCanBeUsedAgain(Kind kind) {
        SheetStore store = store(kind);
        OpWriter gone = OpWriter.empty("gone");
        OpWriter kept = OpWriter.empty("kept");
        store.commit(List.of(gone.created(), kept.created(),
                gone.apply("u-1", "1", new Op.AddColumn(null, "A", null)),
                gone.apply("u-1", "2", new Op.InsertRow(null, null, Map.of("c1", "v"))),
                kept.apply("u-1", "1", new Op.AddColumn(null, "K", null))));

        assertTrue(store.delete("gone"));

        assertEquals(Optional.empty(), store.load("gone"));
        assertEquals(List.of("kept"), store.list().stream().map(SheetSummary::id).toList());
        assertEquals(List.of(), store.history("gone", "r2", "c1"));
        assertEquals(kept.logged(), store.load("kept").orElseThrow().ops(), "the other sheet is untouched");
        assertFalse(store.delete("gone"), "a second delete finds nothing");

        // A sheet created anew under the same id starts from version 0 with no leftovers.
        OpWriter again = OpWriter.empty("gone");
        store.commit(List.of(again.created(), again.apply("u-2", "1", new Op.AddColumn(null, "New", null))));
        StoredSheet stored = store.load("gone").orElseThrow();
        assertEquals(again.logged(), stored.ops());
        assertEquals(again.snapshot(), replay(stored));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void historyListsTheEditsOfTheCellAndTheInsertThatCreatedItsRowOldestFirst(Kind kind) {
        SheetStore store = store(kind);
        OpWriter w = OpWriter.empty("hist");
        OpWriter other = OpWriter.empty("other");
        store.commit(List.of(w.created(), other.created(),
                w.apply("u-a", "1", new Op.AddColumn(null, "A", null)),              // v1 c1
                w.apply("u-a", "2", new Op.AddColumn(null, "B", "c1")),              // v2 c2
                w.apply("u-b", "3", new Op.InsertRow(null, null, Map.of("c1", "first", "c2", "x"))), // v3 r3
                w.apply("u-b", "4", new Op.InsertRow(null, "r3", Map.of("c1", "other row"))),       // v4 r4
                other.apply("u-a", "1", new Op.AddColumn(null, "A", null)),
                other.apply("u-a", "2", new Op.InsertRow(null, null, Map.of("c1", "elsewhere")))));
        store.commit(List.of(
                w.apply("u-a", "5", new Op.Edit("r3", "c1", "second", 3L)),       // v5: the cell
                w.apply("u-a", "6", new Op.Edit("r3", "c2", "y", null)),          // v6: same row, other column
                w.apply("u-b", "7", new Op.Edit("r4", "c1", "z", null)),          // v7: same column, other row
                w.apply("u-b", "8", new Op.RenameColumn("c1", "A2")),             // v8: the column, not the cell
                w.apply("http", "9", new Op.Edit("r3", "c1", null, null))));      // v9: the cell, emptied

        List<LoggedOp> history = store.history("hist", "r3", "c1");

        assertEquals(List.of(w.at(3), w.at(5), w.at(9)), history,
                "the insertRow that created r3 (writing c1), then every edit of r3/c1, in order");
        assertEquals(List.of(w.at(4), w.at(7)), store.history("hist", "r4", "c1"));
        assertEquals(List.of(w.at(3), w.at(6)), store.history("hist", "r3", "c2"));
        assertEquals(List.of(), store.history("hist", "r99", "c1"));

        // Only retained ops: after a snapshot that keeps v6 on, the insert and first edit are gone.
        store.commit(List.of(w.snapshotKeepingFrom(6)));
        assertEquals(List.of(w.at(9)), store.history("hist", "r3", "c1"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInsertThatCreatedTheRowWithoutAValueForTheColumnIsNotInItsHistory(Kind kind) {
        SheetStore store = store(kind);
        OpWriter w = OpWriter.empty("hist2");
        Map<String, String> emptied = new LinkedHashMap<>();
        emptied.put("c2", null);
        store.commit(List.of(w.created(),
                w.apply("u-a", "1", new Op.AddColumn(null, "A", null)),              // v1 c1
                w.apply("u-a", "2", new Op.AddColumn(null, "B", "c1")),              // v2 c2
                w.apply("u-b", "3", new Op.InsertRow(null, null, Map.of("c2", "only B"))), // v3 r3, no c1
                w.apply("u-a", "4", new Op.Edit("r3", "c1", "now", null)),          // v4
                w.apply("u-b", "5", new Op.InsertRow(null, null, emptied))));        // v5 r5, c2 written as null

        // docs/HTTP-API.md: an entry is an edit of the cell, or the insertRow that created the row
        // with a value for that column (null included: it wrote the cell empty).
        assertEquals(List.of(w.at(4)), store.history("hist2", "r3", "c1"));
        assertEquals(List.of(w.at(3)), store.history("hist2", "r3", "c2"));
        assertEquals(List.of(w.at(5)), store.history("hist2", "r5", "c2"));
        assertEquals(List.of(), store.history("hist2", "r5", "c1"));
    }

    // ---- all or nothing ----

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCommitWithADuplicateVersionFailsAndLeavesNothingOfTheBatch(Kind kind) {
        SheetStore store = store(kind);
        OpWriter w = OpWriter.empty("atomic");
        store.commit(List.of(w.created(), w.apply("u-a", "1", new Op.AddColumn(null, "A", null)),
                w.apply("u-a", "2", new Op.InsertRow(null, null, Map.of("c1", "kept")))));
        List<SheetSummary> listedBefore = store.list();

        OpWriter fresh = OpWriter.empty("fresh");
        Change.Applied three = w.apply("u-a", "3", new Op.Edit("r2", "c1", "lost", null));
        Change.Applied four = w.apply("u-a", "4", new Op.AddColumn(null, "B", "c1"));
        List<Change> batch = List.of(fresh.created(), three, four,
                fresh.apply("u-b", "1", new Op.AddColumn(null, "X", null)),
                w.snapshotKeepingFrom(3),
                four); // (atomic, 4) a second time

        StoreException failure = assertThrows(StoreException.class, () -> store.commit(batch));

        assertNotNull(failure.getMessage());
        assertTrue(failure.getMessage().contains("could not commit"), failure.getMessage());
        StoredSheet stored = store.load("atomic").orElseThrow();
        assertEquals(w.loggedFrom(1).subList(0, 2), stored.ops(), "ops 3 and 4 of the failed batch are not there");
        assertEquals(0, stored.snapshot().version(), "nor is the batch's snapshot (and nothing was compacted)");
        assertEquals(Optional.empty(), store.load("fresh"), "nor the sheet the batch created");
        assertEquals(listedBefore, store.list(), "the listing is as before: version 2, same size and time");

        // The store goes on: the same versions commit now.
        store.commit(List.of(three, four));
        assertEquals(4, store.load("atomic").orElseThrow().ops().size());
        assertEquals(4, store.list().get(0).version());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anOpOfASheetWithoutSnapshotIsRefusedAndNotWritten(Kind kind) {
        SheetStore store = store(kind);
        OpWriter w = OpWriter.empty("orphan");
        Change.Snapshotted created = w.created();
        Change.Applied op = w.apply("u-a", "1", new Op.AddColumn(null, "A", null));

        StoreException failure = assertThrows(StoreException.class, () -> store.commit(List.of(op)));

        assertTrue(failure.getMessage().contains("orphan"), failure.getMessage());
        assertEquals(Optional.empty(), store.load("orphan"));
        assertEquals(List.of(), store.list());
        // The op row was rolled back too: the same version commits once the sheet exists.
        store.commit(List.of(created, op));
        assertEquals(List.of(op.op()), store.load("orphan").orElseThrow().ops());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void commitsFromSeveralThreadsAreAllKept(Kind kind) throws Exception {
        SheetStore store = store(kind);
        int sheets = 4;
        int ops = 200;
        ExecutorService pool = Executors.newFixedThreadPool(sheets);
        try {
            List<Future<OpWriter>> writers = new ArrayList<>();
            for (int s = 0; s < sheets; s++) {
                String id = "t" + s;
                writers.add(pool.submit(() -> {
                    OpWriter w = OpWriter.empty(id);
                    store.commit(List.of(w.created(), w.apply("u", "0", new Op.AddColumn(null, "A", null)),
                            w.apply("u", "1", new Op.InsertRow(null, null, Map.of()))));
                    for (int i = 2; i < ops; i++) {
                        store.commit(List.of(w.apply("u", "e" + i, new Op.Edit("r2", "c1", id + "-" + i, null))));
                        if (i % 50 == 0) {
                            store.list();
                            store.load(id);
                        }
                    }
                    return w;
                }));
            }
            for (Future<OpWriter> f : writers) {
                OpWriter w = f.get(30, TimeUnit.SECONDS);
                StoredSheet stored = store.load(w.id()).orElseThrow();
                assertEquals(w.logged(), stored.ops());
                assertEquals(w.snapshot(), replay(stored));
            }
        } finally {
            pool.shutdownNow();
        }
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

        StoreException refused = assertThrows(StoreException.class, () -> opened.add(SqliteSheetStore.open(dir)));

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

            StoreException refused = assertThrows(StoreException.class, () -> opened.add(SqliteSheetStore.open(dir)));
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

        StoreException refused = assertThrows(StoreException.class, () -> opened.add(SqliteSheetStore.open(dir)));

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

        StoreException refused = assertThrows(StoreException.class, () -> opened.add(SqliteSheetStore.open(dir)));

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

        StoreException refused = assertThrows(StoreException.class, () -> opened.add(SqliteSheetStore.open(dir)),
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

    /** Every message of an exception and its causes and suppressed ones. */
    private static String chain(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
            for (Throwable s : c.getSuppressed()) {
                out.append("suppressed ").append(s.getClass().getSimpleName()).append(": ").append(s.getMessage()).append(" | ");
            }
        }
        return out.toString();
    }

    // ---- helpers ----

    /** The stored snapshot with every stored op after it replayed, as a restart does. */
    private static Snapshot replay(StoredSheet stored) {
        Sheet sheet = Sheet.of(stored.snapshot(), Limits.DEFAULT);
        for (LoggedOp op : stored.ops()) {
            if (op.version() > sheet.version()) {
                Outcome outcome = sheet.apply(op.request());
                assertTrue(outcome instanceof Outcome.Applied a && a.version() == op.version(),
                        "op " + op.version() + " replays: " + outcome);
            }
        }
        return sheet.snapshot();
    }
}
