package dev.livegrid.durability;

import dev.livegrid.health.Health;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.sheet.Op;
import dev.livegrid.store.StoreException;
import dev.livegrid.store.StoredSheet;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Health} against a store that stops answering and a commit that does not return. */
@Timeout(60)
class HealthCheckTest {

    private final ManualPool pool = new ManualPool();
    private final ProbedStore store = new ProbedStore();
    private final RoomRegistry rooms = new RoomRegistry(TestSettings.loopback(), pool, store);

    @AfterEach
    void close() {
        store.releaseAll();
        rooms.close();
    }

    @Test
    void aStoreThatAnswersIsUpAndOneThatFailsIsDownWithItsReason() {
        Health health = new Health(rooms);
        Health.Report up = health.check();
        assertTrue(up.up(), String.valueOf(up));
        assertNull(up.problem());
        assertTrue(up.storeMillis() >= 0);

        store.down = true;
        Health.Report down = health.check();
        assertFalse(down.up());
        assertEquals("the store does not answer: disk i/o error", down.problem());

        store.down = false;
        assertTrue(health.check().up(), "up again once the store answers");
    }

    @Test
    void aCommitRunningLongerThanTheThresholdIsStuck() throws Exception {
        Health health = new Health(rooms, Duration.ofMillis(200));
        Room room = rooms.acquire("stuck", true);
        store.hold(true);
        CompletableFuture<?> op = room.submit("u-1", "a1", new Op.AddColumn(null, "A", null));
        pool.runAll();
        store.nextHeld(); // a commit (the op's, or the new sheet's before it) is in the store and does not return
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Health.Report report;
        while ((report = health.check()).up()) {
            assertTrue(System.nanoTime() < deadline, "still up 10 s into a commit that does not return");
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertTrue(report.problem().startsWith("a commit has been running for "), report.problem());
        assertTrue(report.commitRunningMillis() >= 200, String.valueOf(report));
        store.releaseAll(); // that commit returns, and no later one is held
        pool.runUntil(op::isDone, Duration.ofSeconds(10));
        // The op is answered from inside the commit's report; the committer marks the commit over just after.
        long upDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!health.check().up()) {
            assertTrue(System.nanoTime() < upDeadline, "still down 10 s after the commit returned: " + health.check());
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    /** The race tests' gated store, whose loads fail while it is down. */
    private static final class ProbedStore extends GatedStore {
        volatile boolean down;

        @Override
        public Optional<StoredSheet> load(String sheetId) {
            if (down) {
                throw new StoreException("disk i/o error", null);
            }
            return super.load(sheetId);
        }
    }
}
