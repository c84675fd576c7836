package dev.livegrid.room;

import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SheetTail;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Reads what other servers committed for rooms that fell behind (cluster mode), on threads of its own
 * so no room's sequencer ever waits for the database: at most one read queued per room (a request
 * for a room already queued is the same read), so the queue is bounded by the rooms loaded.
 */
final class CatchUps implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CatchUps.class.getName());
    /** Reads at once: few, each one short; the store's pool has connections for them beside the committer's. */
    private static final int READERS = 2;

    private final SheetStore store;
    private final Set<Room> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService readers;

    CatchUps(SheetStore store) {
        this.store = store;
        AtomicInteger count = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(READERS, READERS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "livegrid-catch-up-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads what the store holds after the room's durable version, for {@link Room#caughtUp}; merged with a read already queued. */
    void catchUp(Room room) {
        if (!queued.add(room)) {
            return;
        }
        try {
            readers.execute(() -> read(room));
        } catch (RejectedExecutionException stopping) {
            queued.remove(room);
            room.catchUpFailed("the server is stopping");
        }
    }

    private void read(Room room) {
        queued.remove(room); // a request from now on reads again, after this read
        SheetTail tail;
        try {
            tail = store.tail(room.id(), room.durableVersion());
        } catch (RuntimeException e) {
            LOG.warning(() -> "sheet " + room.id() + ": could not read other servers' commits: " + e.getMessage());
            room.catchUpFailed(e.getMessage());
            return;
        }
        room.caughtUp(tail);
    }

    @Override
    public void close() {
        readers.shutdownNow();
        try {
            readers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
