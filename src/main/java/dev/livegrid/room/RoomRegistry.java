package dev.livegrid.room;

import dev.livegrid.config.Settings;
import dev.livegrid.sheet.Ids;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Sheets;
import dev.livegrid.sheet.Snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The live rooms, one per sheet in use: a room is opened once however many clients join at the same
 * time, and closed when its last holder (a connection or an HTTP request) releases it. Until
 * LiveGrid has a durable store, a closed room's sheet and op log are kept here in memory, so a
 * sheet lives as long as the server process.
 * <p>
 * Opening and closing take this registry's lock (never while waiting for a room); they are rare
 * next to ops, which never touch it.
 */
public final class RoomRegistry {

    private final Settings settings;
    private final Limits limits;
    private final Executor pool;
    private final Map<String, Room> live = new HashMap<>();
    private final Map<Room, Integer> holders = new HashMap<>();
    private final Map<String, Room.Dormant> dormant = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> retiring = new HashMap<>();

    public RoomRegistry(Settings settings, Executor pool) {
        this.settings = settings;
        this.limits = new Limits(settings.maxRows(), settings.maxColumns(), settings.maxValueLength());
        this.pool = pool;
    }

    /**
     * The room of {@code sheetId}, held until {@link #release}; null when there is no such sheet and
     * {@code create} is false. An unknown valid id is created empty when {@code create} is true.
     */
    public Room acquire(String sheetId, boolean create) {
        if (!Ids.isValid(sheetId)) {
            return null;
        }
        while (true) {
            CompletableFuture<Void> retiring;
            synchronized (this) {
                retiring = this.retiring.get(sheetId);
                if (retiring == null) {
                    return hold(sheetId, create);
                }
            }
            // Wait outside the lock: the retirement takes it to keep the room's state.
            retiring.join();
        }
    }

    /**
     * Gives a room back. The last release retires it once its queued tasks have run; this never
     * waits for that, because it may be called on the room's own thread (a session closed by the
     * room's outbox reports its close on the same thread).
     */
    public synchronized void release(Room room) {
        int left = holders.merge(room, -1, Integer::sum);
        if (left > 0) {
            return;
        }
        holders.remove(room);
        live.remove(room.id());
        CompletableFuture<Void> kept = new CompletableFuture<>();
        retiring.put(room.id(), kept);
        room.retire().thenAccept(state -> {
            synchronized (this) {
                dormant.put(room.id(), state);
                retiring.remove(room.id());
            }
            kept.complete(null);
        });
    }

    private Room hold(String sheetId, boolean create) {
        Room room = live.get(sheetId);
        if (room == null) {
            room = open(sheetId, create);
            if (room == null) {
                return null;
            }
            live.put(sheetId, room);
        }
        holders.merge(room, 1, Integer::sum);
        return room;
    }

    /** Whether the sheet exists (live, kept, or the built-in demo). */
    public synchronized boolean exists(String sheetId) {
        return live.containsKey(sheetId) || dormant.containsKey(sheetId) || retiring.containsKey(sheetId)
                || Sheets.DEMO.equals(sheetId);
    }

    private Room open(String sheetId, boolean create) {
        Room.Dormant kept = dormant.remove(sheetId);
        if (kept != null) {
            return new Room(kept.sheet(), kept.log(), pool);
        }
        Snapshot initial;
        if (Sheets.DEMO.equals(sheetId)) {
            initial = Sheets.demo();
        } else if (create) {
            initial = Sheets.empty(sheetId);
        } else {
            return null;
        }
        return new Room(Sheet.of(initial, limits), new OpLog(settings.opWindow()), pool);
    }
}
