package dev.livegrid.store;

import dev.livegrid.access.Role;

import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link SheetStore} does, whatever keeps the data: what a commit writes comes back from
 * {@code load} exactly (snapshot, then ops in version order, every field of each op), snapshots
 * compact the op log, listings and history read it, a commit is all or nothing and its failure
 * names the store and the database's error, and a closed store refuses every call. A subclass
 * gives a fresh, empty store per test: the SQLite file and in-memory stores, and the DataSource
 * store on H2, SQLite and (when one is given) PostgreSQL.
 */
@Timeout(60)
abstract class SheetStoreContract {

    private final List<SheetStore> opened = new ArrayList<>();

    /** A new store with nothing in it. */
    protected abstract SheetStore newStore();

    /** What the store's failures call it ({@code location()} of the implementation). */
    protected abstract String location(SheetStore store);

    @AfterEach
    void closeStores() {
        opened.forEach(SheetStore::close);
    }

    /** A new, empty store, closed after the test. */
    protected final SheetStore store() {
        return opened(newStore());
    }

    /** Closes {@code store} after the test. */
    protected final <S extends SheetStore> S opened(S store) {
        opened.add(store);
        return store;
    }

    // ---- access lists ----

    @Test
    void accessEntriesAreKeptWithTheSheetReplacedRemovedAndGoneWithIt() {
        SheetStore store = store();
        OpWriter w = OpWriter.empty("team");
        store.commit(List.of(w.created(), new Change.AccessChanged("team", "alice", Role.OWNER),
                new Change.AccessChanged("team", "bob@example.com", Role.EDITOR)));
        store.commit(List.of(OpWriter.empty("other").created(), new Change.AccessChanged("other", "bob@example.com", Role.NONE)));
        assertEquals(Map.of("alice", Role.OWNER, "bob@example.com", Role.EDITOR), store.load("team").orElseThrow().access());
        store.commit(List.of(new Change.AccessChanged("team", "bob@example.com", Role.VIEWER),
                new Change.AccessChanged("team", "alice", null)));
        assertEquals(Map.of("bob@example.com", Role.VIEWER), store.load("team").orElseThrow().access());
        assertEquals(Map.of("team", Role.VIEWER, "other", Role.NONE), store.accessOf("bob@example.com"));
        assertEquals(Map.of(), store.accessOf("nobody"));

        assertTrue(store.delete("team"));
        assertEquals(Map.of("other", Role.NONE), store.accessOf("bob@example.com"), "a deleted sheet's entries go with it");
        store.commit(List.of(new Change.AccessChanged("team", "carol", Role.OWNER)));
        assertEquals(Map.of(), store.accessOf("carol"), "an entry for a sheet that is gone writes nothing");
        assertTrue(store.load("team").isEmpty());
    }

    // ---- health ----

    @Test
    void theHealthProbeAsksTheStoreAndLeavesNoSheetBehind() {
        SheetStore store = store();
        store.commit(List.of(OpWriter.empty("kept").created()));
        store.probe();
        assertEquals(List.of("kept"), store.list().stream().map(SheetSummary::id).toList());
        assertTrue(store.load(SheetStore.PROBE_SHEET_ID).isEmpty());
    }

    // ---- commit and load ----

    @Test
    void loadGivesTheSnapshotAndEveryCommittedOpInVersionOrderWithAllItsFields() {
        SheetStore store = store();
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
        Op.Batch batch = new Op.Batch(List.of(new Op.AddColumn(null, "email", "c1"), new Op.Edit("r3", "$0", "a@b", 0L),
                new Op.InsertRow(null, "r3", Map.of("$0", "x")), new Op.DeleteRow("$2", 11L)));
        store.commit(List.of(w.apply("u-bob", "b5", batch)));                                             // v11

        StoredSheet stored = store.load("s1").orElseThrow();

        assertEquals(created, stored.snapshot(), "the snapshot as written when the sheet was created");
        assertEquals(w.logged(), stored.ops(), "every op, in version order, with request (base included),"
                + " applied text, author, op id and time");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), stored.ops().stream().map(LoggedOp::version).toList());
        assertEquals(batch, stored.ops().get(10).request(), "a batch is kept as asked for, references and bases included");
        assertEquals(new Op.Edit("r3", "c2", "18", 0L), stored.ops().get(3).request(), "base 0 is kept, not dropped");
        assertEquals(cells, ((Op.InsertRow) stored.ops().get(4).request()).cells(), "a null cell is kept as null");
        assertTrue(((Op.InsertRow) stored.ops().get(4).request()).cells().containsKey("c1"));
        assertEquals(new Op.Edit("r3", "c1", "line\nbreak\t\"x\"\\ 😀", 3L), stored.ops().get(7).request());
        assertEquals(w.snapshot(), replay(stored), "snapshot + replayed requests = the sheet as it was");
    }

    @Test
    void aSheetNeverCommittedIsNotThere() {
        SheetStore store = store();
        assertEquals(Optional.empty(), store.load("nothing"));
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), store.history("nothing", "r1", "c1"));
        assertFalse(store.delete("nothing"));
    }

    @Test
    void aSnapshotReplacesTheOldOneAndItsKeepFromDropsOnlyOlderOps() {
        SheetStore store = store();
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

    @Test
    void oneBatchOfTwoSheetsOpsAroundASnapshotIsWrittenAsIfChangeByChange() {
        SheetStore store = store();
        OpWriter a = OpWriter.empty("batch-a");
        OpWriter b = OpWriter.empty("batch-b");
        store.commit(List.of(a.created(), b.created()));
        // The stores defer op rows and sheet rows to the end of a run of ops; a snapshot in between must
        // see the ops before it (it compacts them) and the sheet's version they reached.
        List<Change> batch = new ArrayList<>(List.of(
                a.apply("u-a", "1", new Op.AddColumn(null, "A", null)),
                b.apply("u-b", "1", new Op.AddColumn(null, "X", null)),
                a.apply("u-a", "2", new Op.InsertRow(null, null, Map.of("c1", "x"))),
                b.apply("u-b", "2", new Op.AddColumn(null, "Y", null))));
        for (int i = 3; i <= 6; i++) {
            batch.add(a.apply("u-a", "" + i, new Op.Edit("r2", "c1", "v" + i, null)));
        }
        Snapshot aAtSix = a.snapshot();
        batch.add(a.snapshotKeepingFrom(5));
        batch.add(a.apply("u-a", "7", new Op.InsertRow(null, null, Map.of())));
        batch.add(b.apply("u-b", "3", new Op.InsertRow(null, null, Map.of("c2", "y"))));
        store.commit(batch);

        StoredSheet storedA = store.load("batch-a").orElseThrow();
        assertEquals(aAtSix, storedA.snapshot());
        assertEquals(a.loggedFrom(5), storedA.ops(), "ops 1..4, written in the same batch, compacted by its snapshot");
        assertEquals(a.snapshot(), replay(storedA));
        assertEquals(b.logged(), store.load("batch-b").orElseThrow().ops());
        assertEquals(List.of(new SheetSummary("batch-a", 7, 2, 1, a.at(7).at()),
                new SheetSummary("batch-b", 3, 1, 2, b.at(3).at())), store.list(),
                "each sheet's row at its last op of the batch: version, size, time");
    }

    @Test
    void listShowsEverySheetByIdWithVersionSizeAndLastChange() {
        SheetStore store = store();
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

    @Test
    void deleteRemovesTheSheetAndItsOpsOnlyAndTheIdCanBeUsedAgain() {
        SheetStore store = store();
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

    @Test
    void historyListsTheEditsOfTheCellAndTheInsertThatCreatedItsRowOldestFirst() {
        SheetStore store = store();
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
                w.apply("http", "9", new Op.Edit("r3", "c1", null, null)),        // v9: the cell, emptied
                w.apply("u-a", "10", new Op.Batch(List.of(new Op.Edit("r4", "c2", "w", null),
                        new Op.Edit("r3", "c1", "batched", 9L), new Op.InsertRow(null, null, Map.of("c1", "new")))))));

        List<LoggedOp> history = store.history("hist", "r3", "c1");

        assertEquals(List.of(w.at(3), w.at(5), w.at(9), w.at(10)), history,
                "the insertRow that created r3 (writing c1), then every edit of r3/c1, in order, one in a batch");
        assertEquals(List.of(w.at(10)), store.history("hist", "r10-2", "c1"), "a row a batch inserted");
        assertEquals(List.of(w.at(4), w.at(7)), store.history("hist", "r4", "c1"));
        assertEquals(List.of(w.at(3), w.at(6)), store.history("hist", "r3", "c2"));
        assertEquals(List.of(), store.history("hist", "r99", "c1"));

        // Only retained ops: after a snapshot that keeps v6 on, the insert and first edit are gone.
        store.commit(List.of(w.snapshotKeepingFrom(6)));
        assertEquals(List.of(w.at(9), w.at(10)), store.history("hist", "r3", "c1"));
    }

    @Test
    void anInsertThatCreatedTheRowWithoutAValueForTheColumnIsNotInItsHistory() {
        SheetStore store = store();
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

    @Test
    void aCommitTheDatabaseRefusesFailsAndLeavesNothingOfTheBatch() {
        SheetStore store = store();
        OpWriter w = OpWriter.empty("atomic");
        Change.Snapshotted creating = w.created();
        store.commit(List.of(creating, w.apply("u-a", "1", new Op.AddColumn(null, "A", null)),
                w.apply("u-a", "2", new Op.InsertRow(null, null, Map.of("c1", "kept")))));
        List<SheetSummary> listedBefore = store.list();

        OpWriter fresh = OpWriter.empty("fresh");
        Change.Applied three = w.apply("u-a", "3", new Op.Edit("r2", "c1", "lost", null));
        Change.Applied four = w.apply("u-a", "4", new Op.AddColumn(null, "B", "c1"));
        List<Change> batch = List.of(fresh.created(), three, four,
                fresh.apply("u-b", "1", new Op.AddColumn(null, "X", null)),
                w.snapshotKeepingFrom(3),
                creating); // the sheet's row created a second time: the database refuses the key

        StoreException failure = assertThrows(StoreException.class, () -> store.commit(batch));

        assertNotNull(failure.getMessage());
        assertTrue(failure.getMessage().contains("could not commit"), failure.getMessage());
        assertTrue(failure.getMessage().startsWith("the store (" + location(store) + ") could not commit 6 changes: "),
                "names the store: " + failure.getMessage());
        assertTrue(failure.getCause() != null && failure.getMessage().endsWith(failure.getCause().getMessage()),
                "and the database's own error: " + chain(failure));
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

    @Test
    void anOpOfASheetWithoutSnapshotIsRefusedAndNotWritten() {
        SheetStore store = store();
        OpWriter w = OpWriter.empty("orphan");
        Change.Snapshotted created = w.created();
        Change.Applied op = w.apply("u-a", "1", new Op.AddColumn(null, "A", null));

        // As if another server had deleted it: the sheet is not where the op was numbered from.
        SheetsBehindException failure = assertThrows(SheetsBehindException.class, () -> store.commit(List.of(op)));

        assertEquals(Set.of("orphan"), failure.sheetIds());
        assertEquals(Optional.empty(), store.load("orphan"));
        assertEquals(List.of(), store.list());
        // The op row was rolled back too: the same version commits once the sheet exists.
        store.commit(List.of(created, op));
        assertEquals(List.of(op.op()), store.load("orphan").orElseThrow().ops());
    }

    @Test
    void opsNumberedFromAnOldVersionAreBehindAndNothingOfTheBatchIsWritten() {
        SheetStore store = store();
        OpWriter mine = OpWriter.empty("contested");
        OpWriter theirs = OpWriter.empty("contested"); // another server's copy, numbering from the same start
        theirs.apply("u-b", "1", new Op.AddColumn(null, "A", null));
        store.commit(List.of(mine.created(), mine.apply("u-a", "1", new Op.AddColumn(null, "A", null)),
                mine.apply("u-a", "2", new Op.InsertRow(null, null, Map.of("c1", "mine")))));
        OpWriter other = OpWriter.empty("bystander");
        store.commit(List.of(other.created()));
        List<Change> batch = List.of(other.apply("u-c", "1", new Op.AddColumn(null, "X", null)),
                theirs.apply("u-b", "2", new Op.InsertRow(null, null, Map.of("c1", "theirs")))); // version 2 again

        SheetsBehindException behind = assertThrows(SheetsBehindException.class, () -> store.commit(batch));

        assertEquals(Set.of("contested"), behind.sheetIds(), "only the sheet whose row had moved");
        assertEquals(List.of(), store.load("bystander").orElseThrow().ops(), "nothing of the batch");
        assertEquals("mine", store.load("contested").orElseThrow().ops().get(1).appliedText().contains("mine") ? "mine" : "theirs");
        store.commit(batch.subList(0, 1)); // without the late op, the rest commits
        assertEquals(2, store.load("contested").orElseThrow().ops().size());
        assertEquals(1, store.load("bystander").orElseThrow().ops().size());
        SheetTail tail = store.tail("contested", 1);
        assertEquals(2, tail.version());
        assertEquals(List.of(2L), tail.ops().stream().map(LoggedOp::version).toList(), "what the late writer reads to catch up");
        assertEquals(Map.of("contested", 2L, "bystander", 1L), store.marks(List.of("contested", "bystander", "absent"))
                .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().version())));
        assertFalse(store.tail("absent", 0).exists());
    }

    @Test
    @Timeout(180) // its own deadline allows a slow disk 120 s; the class's 60 s would cut it short
    void commitsFromSeveralThreadsAreAllKept() throws Exception {
        SheetStore store = store();
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
            // 800 durable commits: PostgreSQL on this kind of machine needs 25-30 s for them (fsync each),
            // so the deadline leaves room for a slow disk day; only a hung store takes it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (Future<OpWriter> f : writers) {
                OpWriter w = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                StoredSheet stored = store.load(w.id()).orElseThrow();
                assertEquals(w.logged(), stored.ops());
                assertEquals(w.snapshot(), replay(stored));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- order and closing ----

    @Test
    void listOrdersIdsByCodePointWhateverTheDatabaseSortsBy() {
        SheetStore store = store();
        List<String> ids = List.of("b", "a_b", "B", "ab", "a-b", "A", "a0", "Z_");
        List<Change> created = new ArrayList<>();
        ids.forEach(id -> created.add(OpWriter.empty(id).created()));
        store.commit(created);

        // Case and punctuation count: a locale collation (PostgreSQL's default) would give a, A, a_b, ...
        assertEquals(List.of("A", "B", "Z_", "a-b", "a0", "a_b", "ab", "b"),
                store.list().stream().map(SheetSummary::id).toList());
    }

    @Test
    void aClosedStoreRefusesEveryCallWithAStoreExceptionNamingIt() {
        SheetStore store = store();
        OpWriter w = OpWriter.empty("before-close");
        store.commit(List.of(w.created()));
        String location = location(store);
        store.close();

        List<StoreException> failures = List.of(
                assertThrows(StoreException.class, () -> store.load("before-close")),
                assertThrows(StoreException.class, () -> store.commit(List.of(
                        w.apply("u", "1", new Op.AddColumn(null, "A", null))))),
                assertThrows(StoreException.class, store::list),
                assertThrows(StoreException.class, () -> store.delete("before-close")),
                assertThrows(StoreException.class, () -> store.history("before-close", "r1", "c1")));

        for (StoreException failure : failures) {
            assertTrue(failure.getMessage().startsWith("the store (" + location + ") could not "), failure.getMessage());
        }
        store.close(); // a second close is harmless
    }

    // ---- helpers ----

    /** The stored snapshot with every stored op after it replayed, as a restart does. */
    protected static Snapshot replay(StoredSheet stored) {
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

    /** Every message of an exception and its causes and suppressed ones. */
    protected static String chain(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
            for (Throwable s : c.getSuppressed()) {
                out.append("suppressed ").append(s.getClass().getSimpleName()).append(": ").append(s.getMessage()).append(" | ");
            }
        }
        return out.toString();
    }
}
