package dev.livegrid.durability;

import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Reason;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One author's ops are answered in the order they were sent, also when a rejection decided while
 * other ops were pending (held until they are durable, docs/ARCHITECTURE.md "No phantom values") and
 * the author's next op are made durable by the same commit. A client that sees the answer of a later
 * op before that of an earlier one takes the earlier as applied (its acknowledgement merged away,
 * PROTOCOL §7.4) — and would report a rejected op as applied. Steps ordered by the test as in
 * {@link CommitFailureRaceTest}.
 */
@Timeout(60)
class AnswerOrderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualPool pool = new ManualPool();
    private final GatedStore store = new GatedStore();
    private final RoomRegistry rooms = new RoomRegistry(TestSettings.loopback(), pool, store);

    @AfterEach
    void close() {
        store.releaseAll();
        rooms.close();
    }

    @Test
    void aHeldRejectionIsAnsweredBeforeTheAuthorsNextOpCommittedInTheSameBatch() throws Exception {
        Room one = rooms.acquire("one", true);
        Room two = rooms.acquire("two", true);
        String col = RoomOps.applied(pool, one, "a1", new Op.AddColumn(null, "A", null));   // v1
        RoomOps.applied(pool, one, "a2", new Op.InsertRow(null, null, Map.of(col, "x")));  // v2: r2
        RoomOps.applied(pool, two, "t0", new Op.AddColumn(null, "T", null));

        // The committer is busy with another sheet while three ops of sheet one wait for it.
        store.hold(true);
        CompletableFuture<OpResult> other = two.submit("u-2", "t1", new Op.RenameColumn("c1", "T1"));
        pool.runAll();
        GatedStore.Held busy = store.nextHeld();
        List<String> answered = new CopyOnWriteArrayList<>();
        CompletableFuture<OpResult> x = one.submit("u-2", "X", new Op.Edit("r2", col, "theirs", null));     // v3
        CompletableFuture<OpResult> a = one.submit("u-1", "A", new Op.Edit("r2", col, "stale", 2L));        // conflict, held
        CompletableFuture<OpResult> b = one.submit("u-1", "B", new Op.Edit("r2", col, "next", null));       // v4
        x.thenRun(() -> answered.add("X"));
        a.thenRun(() -> answered.add("A"));
        b.thenRun(() -> answered.add("B"));
        pool.runAll();
        busy.pass();
        GatedStore.Held both = store.nextHeld();
        assertEquals(List.of("X@v3", "B@v4"), both.describe(), "X and B are committed together");
        both.pass();
        pool.runUntil(() -> b.isDone() && a.isDone(), WAIT);
        other.get();

        assertEquals(Reason.CONFLICT, a.get().reason());
        assertEquals(List.of("X", "A", "B"), answered, "A, rejected once X was applied, is answered before B");
    }
}
