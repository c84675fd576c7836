package dev.livegrid.room;

import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.StoreException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Presence across servers (cluster mode), on one thread of its own so no room waits for the
 * database: writes who is on a sheet through this server (the latest list wins: a burst of cursor
 * moves is one write) and reads who is on it through the others, for the room to merge. Each room
 * has at most one write and one read queued, so the queue is bounded by the rooms loaded. A write
 * that fails is kept and tried again at the next heartbeat ({@link #retry}).
 */
final class PresenceExchange implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PresenceExchange.class.getName());

    private final SheetStore store;
    private final Map<Room, List<ServerMessage.User>> toShare = new ConcurrentHashMap<>();
    private final Map<Room, List<ServerMessage.User>> unshared = new ConcurrentHashMap<>();
    private final Set<Room> toRead = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker;
    /** Whether the last write or read failed: logged once per outage. */
    private volatile boolean failing;

    PresenceExchange(SheetStore store) {
        this.store = store;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "livegrid-presence");
            t.setDaemon(true);
            return t;
        });
    }

    /** Tells other servers that {@code users} are on the room's sheet through this one. */
    void share(Room room, List<ServerMessage.User> users) {
        unshared.remove(room);
        if (toShare.put(room, users) == null) {
            run(() -> {
                List<ServerMessage.User> latest = toShare.remove(room);
                if (latest == null) {
                    return;
                }
                try {
                    store.sharePresence(room.id(), latest);
                    succeeded();
                } catch (StoreException e) {
                    unshared.putIfAbsent(room, latest);
                    failed(e);
                }
            });
        }
    }

    /** Reads who is on the room's sheet through other servers, and hands it to the room. */
    void read(Room room) {
        if (toRead.add(room)) {
            run(() -> {
                toRead.remove(room);
                try {
                    room.presenceElsewhere(store.presenceElsewhere(room.id()));
                    succeeded();
                } catch (StoreException e) {
                    failed(e);
                }
            });
        }
    }

    /** Writes again what could not be written (the store was down). */
    void retry() {
        Map<Room, List<ServerMessage.User>> again = Map.copyOf(unshared);
        again.forEach((room, users) -> {
            if (unshared.remove(room, users)) {
                share(room, users);
            }
        });
    }

    private void run(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException stopping) {
            // the server is stopping: its users leave with it
        }
    }

    private void succeeded() {
        if (failing) {
            failing = false;
            LOG.info("presence is shared with the other servers again");
        }
    }

    private void failed(StoreException e) {
        if (!failing) {
            failing = true;
            LOG.warning(() -> "presence cannot be shared with the other servers until the store answers: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
