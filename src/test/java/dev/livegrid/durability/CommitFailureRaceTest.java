package dev.livegrid.durability;

import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.sheet.Cell;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Reason;
import dev.livegrid.sheet.Row;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Limits;
import dev.livegrid.store.StoredSheet;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed commit and the ops that were in flight around it, with every step ordered by the test: the
 * rooms' sequencers run on a {@link ManualPool} (so the test decides when a room applies an op or
 * hears from the committer) and the store is a {@link GatedStore} (so the test decides when each
 * commit succeeds or fails). The committer is the real one, on its own thread.
 * <p>
 * The rule under test (docs/ARCHITECTURE.md, "Failures"): after a failed commit every pending op of
 * the sheet is rejected with {@code store-unavailable} and "nothing applied on top of a failed op can
 * be committed"; and the rule of the whole design: an acknowledged op is the op the store has.
 */
@Timeout(120)
class CommitFailureRaceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualPool pool = new ManualPool();
    private final GatedStore store = new GatedStore();
    private final RoomRegistry rooms = new RoomRegistry(TestSettings.loopback(), pool, store);

    @AfterEach
    void close() {
        store.releaseAll();
        rooms.close();
    }

    /**
     * An op applied on top of an op whose commit then failed is rejected — and must then never be
     * committed. Here its change reaches the committer after the room has rolled back (the committer
     * was busy with another sheet meanwhile), and is committed anyway: the store then holds, at
     * version 3, an op the client was told was rejected, and the room, which hands out version 3
     * again, can never commit that version: every op of the sheet is rejected from then on.
     */
    @Test
    void anOpRejectedAfterAFailedCommitIsNeverCommittedAndTheSheetKeepsCommitting() throws Exception {
        Room one = rooms.acquire("one", true);
        Room two = rooms.acquire("two", true);
        String col = applied(one, "a1", new Op.AddColumn(null, "A", null));        // v1: c1
        applied(two, "x0", new Op.AddColumn(null, "X", null));
        assertEquals("c1", col);

        store.hold(true);
        CompletableFuture<OpResult> b = one.submit("u-1", "B", new Op.RenameColumn("c1", "B")); // v2
        pool.runAll();
        GatedStore.Held heldB = store.nextHeld();
        assertEquals(List.of("B@v2"), heldB.describe());
        // C arrives while B is being committed; the room will apply it on top of B (v3).
        CompletableFuture<OpResult> c = one.submit("u-1", "C", new Op.RenameColumn("c1", "C"));
        heldB.fail();
        // The committer goes on with another sheet's op (after handling B's failure)...
        CompletableFuture<OpResult> x = two.submit("u-2", "X", new Op.RenameColumn("c1", "X2"));
        pool.runLast();
        GatedStore.Held heldX = store.nextHeld();
        assertEquals(List.of("X@v2"), heldX.describe());
        // ... while sheet one applies C (v3, on top of the failed B) and then hears of the failure:
        // B and C are rejected and the room rolls back to v1.
        pool.runAll();
        assertRejected(b, "B");
        assertRejected(c, "C");

        // The store works again.
        store.hold(false);
        heldX.pass();
        pool.runUntil(x::isDone, WAIT);
        assertTrue(x.get().applied());
        // Wait until the committer has dealt with everything handed to it before X's report.
        applied(two, "x-sentinel", new Op.RenameColumn("c1", "X3"));

        List<String> stored = store.load("one").orElseThrow().ops().stream().map(LoggedOp::opId).toList();
        assertFalse(stored.contains("C"), "op C was rejected (store-unavailable) but the store has it: " + stored);

        // The sheet keeps committing: v2 and v3 again, by new ops.
        CompletableFuture<OpResult> d = one.submit("u-1", "D", new Op.RenameColumn("c1", "D"));
        pool.runUntil(d::isDone, WAIT);
        assertTrue(d.get().applied(), "D: " + d.get());
        CompletableFuture<OpResult> e = one.submit("u-1", "E", new Op.RenameColumn("c1", "E"));
        pool.runUntil(e::isDone, WAIT);
        assertTrue(e.get().applied(), "E, the next op, commits as v3: " + e.get());
    }

    /**
     * A sheet's snapshot commit fails while an op is on its way: the op is rejected and the room rolls
     * back. If that op's change is committed anyway, at version V, and the next op the room accepts is
     * also V, the room takes the commit report for V as its own and acknowledges the new op — while
     * the store has the rejected one. Its own commit then fails (V exists) unnoticed by anyone: the
     * acknowledged op is lost, and a restart shows the rejected op instead.
     */
    @Test
    void afterAFailedSnapshotTheAcknowledgedOpIsTheOneTheStoreHas() throws Exception {
        Room one = rooms.acquire("one", true);
        Room two = rooms.acquire("two", true);
        String col = applied(one, "a1", new Op.AddColumn(null, "A", null));        // v1: c1
        applied(one, "a2", new Op.InsertRow(null, null, Map.of()));                // v2: r2
        applied(two, "x0", new Op.AddColumn(null, "X", null));
        List<CompletableFuture<OpResult>> edits = new ArrayList<>();
        for (int v = 3; v <= 499; v++) {
            edits.add(one.submit("u-1", "e" + v, new Op.Edit("r2", col, "value " + v, null)));
        }
        pool.runUntil(() -> edits.stream().allMatch(CompletableFuture::isDone), WAIT);
        assertTrue(edits.stream().allMatch(f -> f.join().applied()));

        store.hold(true);
        CompletableFuture<OpResult> v500 = one.submit("u-1", "e500", new Op.Edit("r2", col, "value 500", null));
        pool.runAll();
        store.nextHeld().pass();
        pool.runUntil(v500::isDone, WAIT);                 // v500 acknowledged; the room asks for a snapshot
        GatedStore.Held snapshot = store.nextHeld();
        assertEquals(List.of("snapshot"), snapshot.describe());
        CompletableFuture<OpResult> s = one.submit("u-1", "S", new Op.Edit("r2", col, "rejected S", null));
        snapshot.fail();
        CompletableFuture<OpResult> x = two.submit("u-2", "X", new Op.RenameColumn("c1", "X2"));
        pool.runLast();
        GatedStore.Held heldX = store.nextHeld();
        pool.runAll();                                     // S applied as v501, then the failure: S rejected
        assertRejected(s, "S");
        heldX.pass();
        // If the committer takes S's change now, it holds it here (briefly: a fixed committer does not).
        GatedStore.Held stale = store.pollHeld(Duration.ofSeconds(2));
        // The room, rolled back to v500, accepts T as v501.
        CompletableFuture<OpResult> t = one.submit("u-1", "T", new Op.Edit("r2", col, "acknowledged T", null));
        pool.runAll();
        store.releaseAll();
        pool.runUntil(t::isDone, WAIT);
        // Wait until the committer has dealt with T's change (the sentinel's is handed over after it).
        CompletableFuture<OpResult> sentinel = two.submit("u-2", "x-sentinel", new Op.RenameColumn("c1", "X3"));
        pool.runUntil(sentinel::isDone, WAIT);
        pool.runAll();
        System.out.printf("SNAPSHOT RACE: committer took %s after the rollback; T %s%n",
                stale == null ? "nothing" : stale.describe(), t.get());

        List<LoggedOp> ops = store.load("one").orElseThrow().ops();
        if (t.get().applied()) {
            long tVersion = Durable.version(Durable.json(t.get().text()));
            LoggedOp atT = ops.stream().filter(op -> op.version() == tVersion).findFirst().orElseThrow();
            assertEquals("T", atT.opId(), "T was acknowledged as v" + tVersion + ", but the store's v" + tVersion
                    + " is op " + atT.opId() + ", which was rejected with store-unavailable: " + atT.appliedText());
            assertEquals("acknowledged T", restoredValue("one", "r2", col), "after a restart");
        }
        assertFalse(ops.stream().anyMatch(op -> op.opId().equals("S")), "the rejected op S is not in the store");
    }

    // ---- helpers ----

    private String applied(Room room, String opId, Op op) throws Exception {
        return RoomOps.applied(pool, room, opId, op);
    }

    private static void assertRejected(CompletableFuture<OpResult> result, String what) throws Exception {
        assertTrue(result.isDone(), what + " is answered");
        OpResult r = result.get();
        assertFalse(r.applied(), what + ": " + r);
        assertEquals(Reason.STORE_UNAVAILABLE, r.reason(), what + ": " + r);
    }

    /** A cell as a restart restores it: the stored snapshot with the stored ops after it replayed. */
    private String restoredValue(String sheet, String row, String col) {
        StoredSheet stored = store.load(sheet).orElseThrow();
        Sheet restored = Sheet.of(stored.snapshot(), Limits.DEFAULT);
        for (LoggedOp op : stored.ops()) {
            if (op.version() > restored.version()) {
                restored.apply(op.request());
            }
        }
        Row r = restored.snapshot().rows().stream().filter(x -> x.id().equals(row)).findFirst().orElseThrow();
        Cell cell = r.cells().get(col);
        return cell == null ? null : cell.value();
    }
}
