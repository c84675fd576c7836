package dev.livegrid.durability;

import dev.livegrid.room.Member;
import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.session.Outbox;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Reason;
import dev.livegrid.sheet.Sheets;
import dev.livegrid.sheet.Snapshot;
import dev.livegrid.store.Change;
import dev.livegrid.support.RecordingSession;
import dev.livegrid.support.TestSettings;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races between a room's ops, its snapshots, deletes, joins and failed commits, each interleaving
 * forced by the test: sequencers run on a {@link ManualPool}, the store is a {@link GatedStore}, the
 * committer is the real one. Each test but one reproduces a defect of issue 9 that the old code had;
 * the other pins what a join racing a delete does.
 */
@Timeout(120)
class RoomRaceTest {

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
     * Every 500 ops a room writes a snapshot. A DELETE answered while that snapshot was still on its
     * way to the store used to let the snapshot's upsert write the sheet back after the delete: 204,
     * then the sheet listed again, with its content, also after a restart.
     */
    @Test
    void aDeleteRacingTheSnapshotOfEvery500OpsLeavesTheSheetGoneForGood() throws Exception {
        Room room = rooms.acquire("doomed", true);
        String col = applied(room, "a1", new Op.AddColumn(null, "A", null));
        String row = applied(room, "a2", new Op.InsertRow(null, null, Map.of()));
        List<CompletableFuture<OpResult>> edits = new ArrayList<>();
        for (int v = 3; v <= 499; v++) {
            edits.add(room.submit("u-1", "e" + v, new Op.Edit(row, col, "value " + v, null)));
        }
        pool.runUntil(() -> edits.stream().allMatch(CompletableFuture::isDone), WAIT);

        store.hold(true);
        CompletableFuture<OpResult> v500 = room.submit("u-1", "e500", new Op.Edit(row, col, "value 500", null));
        pool.runAll();
        store.nextHeld().pass();
        pool.runUntil(v500::isDone, WAIT);                      // acknowledged; the room asks for a snapshot
        GatedStore.Held snapshot = store.nextHeld();
        assertEquals(List.of("snapshot"), snapshot.describe());

        CompletableFuture<Boolean> deleted = CompletableFuture.supplyAsync(() -> rooms.delete("doomed"));
        // The delete retires the room; it must not finish while the room's snapshot is still in flight.
        pool.runUntil(() -> deleted.isDone() || pool.idleFor(Duration.ofMillis(300)), WAIT);
        assertFalse(deleted.isDone(), "the DELETE returned while the room's snapshot was still on its way");
        store.hold(false);
        snapshot.pass();
        pool.runUntil(deleted::isDone, WAIT);
        assertTrue(deleted.get());
        awaitCommitterIdle();

        assertTrue(store.load("doomed").isEmpty(), "the deleted sheet is back in the store");
        assertFalse(store.list().stream().anyMatch(s -> s.id().equals("doomed")), "the deleted sheet is listed");
        assertNull(rooms.acquire("doomed", false), "the deleted sheet does not open again");
    }

    /**
     * A snapshot that reaches the store after its sheet was deleted — however it got there — writes
     * nothing: only a new sheet's first snapshot may create the sheet.
     */
    @Test
    void aLateSnapshotOfADeletedSheetDoesNotWriteItBack() {
        var sheet = Sheets.empty("late");
        store.commit(List.of(Change.Snapshotted.creating(sheet)));
        assertTrue(store.delete("late"));

        store.commit(List.of(Change.Snapshotted.compacting(sheet, 0)));

        assertTrue(store.load("late").isEmpty());
    }

    /**
     * A socket acquires its room, a DELETE retires that room, and only then does the join run: the
     * joiner used to get a welcome for the deleted sheet, was never closed, and every op of it came
     * back "invalid". It is closed with 4004 like the members the delete closed.
     */
    @Test
    void aJoinOfARoomThatADeleteRetiredIsClosedWith4004AndGetsNoWelcome() throws Exception {
        Room room = rooms.acquire("gone", true);
        applied(room, "a1", new Op.AddColumn(null, "A", null));
        CompletableFuture<Boolean> deleted = CompletableFuture.supplyAsync(() -> rooms.delete("gone"));
        pool.runUntil(deleted::isDone, WAIT);
        assertTrue(deleted.get());

        RecordingSession socket = new RecordingSession();
        Member member = new Member("u-late", "Late", new Outbox(socket.session(), 1024, 1 << 20), 50);
        room.join(member, null, null);
        pool.runAll();

        assertEquals(List.of(), socket.drainTexts(), "no welcome for a deleted sheet");
        assertEquals(List.of(4004), socket.closes().stream().map(c -> c.getCloseCode().getCode()).toList());
        CompletableFuture<OpResult> op = room.submit("u-late", "x", new Op.AddColumn(null, "B", null));
        pool.runUntil(op::isDone, WAIT);
        assertEquals(Reason.NO_SUCH_SHEET, op.get().reason());
    }

    /**
     * A join that arrives while a DELETE is still writing the sheet's last changes waits for the delete,
     * then creates the sheet anew — empty, in a new incarnation — as any join after a delete does. The
     * sheet is there again although its joiner may have stopped waiting (SystemChaosTest counts such a
     * join as a possible creator of the sheet).
     */
    @Test
    void aJoinWaitingForADeleteCreatesTheSheetAnewOnceTheDeleteIsDone() throws Exception {
        Room room = rooms.acquire("again", true);
        applied(room, "a1", new Op.AddColumn(null, "A", null));
        String deletedIncarnation = snapshotOf(room).incarnation();
        store.hold(true);
        room.submit("u-1", "a2", new Op.AddColumn(null, "B", null));
        pool.runAll();
        GatedStore.Held lastCommit = store.nextHeld();
        CompletableFuture<Boolean> deleted = CompletableFuture.supplyAsync(() -> rooms.delete("again"));
        awaitUnloaded("again");

        CompletableFuture<Room> join = new CompletableFuture<>();
        Thread joiner = new Thread(() -> join.complete(rooms.acquire("again", true)), "joiner");
        joiner.start();
        pool.runAll();
        awaitWaiting(joiner);
        assertFalse(join.isDone(), "the join waits while the delete writes the sheet's last op");
        store.hold(false);
        lastCommit.pass();
        pool.runUntil(deleted::isDone, WAIT);
        assertTrue(deleted.get());

        Snapshot created = snapshotOf(join.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertNotEquals(deletedIncarnation, created.incarnation());
        assertEquals(0, created.version());
        assertEquals(List.of(), created.columns());
        // The creating snapshot goes to the store on the committer's thread, after the join returns.
        awaitStored("again");
    }

    /**
     * An op is checked against head, which holds ops not yet durable. Its conflict used to be sent at
     * once, quoting a value that a failed commit then took back: the client saw a value that never
     * existed and dropped its edit. The rejection now waits for the ops it was checked against.
     */
    @Test
    void aConflictIsAnsweredOnlyOnceTheValueItQuotesIsDurable() throws Exception {
        Room room = rooms.acquire("cas", true);
        String col = applied(room, "a1", new Op.AddColumn(null, "A", null));
        String row = applied(room, "a2", new Op.InsertRow(null, null, Map.of()));

        store.hold(true);
        CompletableFuture<OpResult> first = room.submit("u-1", "first", new Op.Edit(row, col, "first", 0L));
        CompletableFuture<OpResult> loser = room.submit("u-2", "loser", new Op.Edit(row, col, "loser", 0L));
        pool.runAll();
        GatedStore.Held held = store.nextHeld();
        assertFalse(loser.isDone(), "the conflict quotes 'first', which is not durable yet: " + loser.getNow(null));
        held.pass();
        pool.runUntil(loser::isDone, WAIT);
        assertTrue(first.get().applied());
        JsonObject rejected = Durable.json(loser.get().text());
        assertEquals("conflict", rejected.getString("code"));
        assertEquals("first", rejected.getJsonObject("current").getString("value"));
    }

    /** The ops a rejection was checked against fail to commit: it is checked again, and now applies. */
    @Test
    void aRejectionCheckedAgainstOpsWhoseCommitFailedIsCheckedAgain() throws Exception {
        Room room = rooms.acquire("recheck", true);
        String col = applied(room, "a1", new Op.AddColumn(null, "A", null));
        String row = applied(room, "a2", new Op.InsertRow(null, null, Map.of()));

        store.hold(true);
        CompletableFuture<OpResult> doomed = room.submit("u-1", "doomed", new Op.Edit(row, col, "doomed", 0L));
        CompletableFuture<OpResult> careful = room.submit("u-2", "careful", new Op.Edit(row, col, "careful", 0L));
        pool.runAll();
        store.nextHeld().fail();
        pool.runUntil(doomed::isDone, WAIT);
        assertEquals(Reason.STORE_UNAVAILABLE, doomed.get().reason());
        assertFalse(careful.isDone(), "checked again after the rollback, and committing now");
        GatedStore.Held again = store.nextHeld();
        assertEquals(List.of("careful@v3"), again.describe());
        again.pass();
        pool.runUntil(careful::isDone, WAIT);

        assertTrue(careful.get().applied(), "careful's base 0 holds once 'doomed' is taken back: " + careful.get());
    }

    /**
     * A commit batch holds several sheets' changes. One sheet whose changes the store refuses used to
     * take every other sheet of its batch down with it (store-unavailable for ops that were fine).
     */
    @Test
    void aSheetWhoseCommitsFailDoesNotFailAnotherSheetsOpsInTheSameBatch() throws Exception {
        Room bad = rooms.acquire("bad", true);
        Room good = rooms.acquire("good", true);
        applied(bad, "b0", new Op.AddColumn(null, "B", null));
        applied(good, "g0", new Op.AddColumn(null, "G", null));

        Room blocker = rooms.acquire("blocker", true);
        applied(blocker, "k0", new Op.AddColumn(null, "K", null));
        store.hold(true);
        CompletableFuture<OpResult> k = blocker.submit("u-3", "k1", new Op.AddColumn(null, "K2", null));
        pool.runAll();
        GatedStore.Held first = store.nextHeld();               // the committer is busy with this one...
        store.refuseSheet("bad");
        CompletableFuture<OpResult> b = bad.submit("u-1", "b1", new Op.AddColumn(null, "B2", null));
        CompletableFuture<OpResult> g = good.submit("u-2", "g1", new Op.AddColumn(null, "G2", null));
        pool.runAll();                                          // ... so both changes wait for one batch
        first.pass();
        GatedStore.Held batch = store.nextHeld();
        assertEquals(List.of("b1@v2", "g1@v2"), batch.describe());
        store.hold(false);
        batch.pass();
        pool.runUntil(() -> b.isDone() && g.isDone() && k.isDone(), WAIT);

        assertEquals(Reason.STORE_UNAVAILABLE, b.get().reason());
        assertTrue(g.get().applied(), "the good sheet's op: " + g.get());
    }

    /** An Error (not an exception) thrown by the store: the ops are rejected, and the committer and the room go on. */
    @Test
    void anErrorFromTheStoreRejectsItsOpsAndEverythingGoesOn() throws Exception {
        Room room = rooms.acquire("error", true);
        applied(room, "a1", new Op.AddColumn(null, "A", null));

        store.throwOnNextCommit(new StackOverflowError("the store's own bug"));
        CompletableFuture<OpResult> failed = room.submit("u-1", "f", new Op.AddColumn(null, "F", null));
        pool.runUntil(failed::isDone, WAIT);
        assertEquals(Reason.STORE_UNAVAILABLE, failed.get().reason());

        applied(room, "after", new Op.AddColumn(null, "After", null));
    }

    // ---- helpers ----

    private String applied(Room room, String opId, Op op) throws Exception {
        return RoomOps.applied(pool, room, opId, op);
    }

    private Snapshot snapshotOf(Room room) throws Exception {
        CompletableFuture<Snapshot> snapshot = room.snapshot();
        pool.runUntil(snapshot::isDone, WAIT);
        return snapshot.get();
    }

    /** Waits until the store holds the sheet: a write on the committer's own thread. */
    private void awaitStored(String sheet) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (store.load(sheet).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the new sheet " + sheet + " is not stored as created after " + WAIT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits until the thread is parked with a timeout: the registry's wait for a busy sheet. */
    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, thread.getName() + " is " + thread.getState() + " after " + WAIT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits until the registry no longer has the sheet's room: a DELETE has taken it. */
    private void awaitUnloaded(String sheetId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rooms.isLoaded(sheetId)) {
            assertTrue(System.nanoTime() < deadline, sheetId + " still loaded after " + WAIT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits until the committer has handled everything handed to it so far (a sentinel sheet's op commits after it). */
    private void awaitCommitterIdle() throws Exception {
        Room sentinel = rooms.acquire("sentinel", true);
        applied(sentinel, "s" + System.nanoTime(), new Op.AddColumn(null, "S", null));
    }

    static int code(CloseReason reason) {
        return reason.getCloseCode().getCode();
    }
}
