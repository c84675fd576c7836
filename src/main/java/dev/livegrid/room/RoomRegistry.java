package dev.livegrid.room;

import dev.livegrid.config.Settings;
import dev.livegrid.sheet.Ids;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Sheets;
import dev.livegrid.sheet.Snapshot;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.StoreException;
import dev.livegrid.store.StoredSheet;
import jakarta.websocket.CloseReason;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The live rooms, one per sheet in use: a room is opened once however many clients join at the same
 * time — from the store, where the sheet is restored from its snapshot and the ops after it — and
 * retired when its last holder (a connection or an HTTP request) releases it and its pending commits
 * are reported.
 * <p>
 * Opening and closing take this registry's lock only to look up and record rooms — never while a
 * room finishes or a sheet is read from the store — and ops never touch it.
 */
public final class RoomRegistry implements AutoCloseable {

    /** Ops handed to the committer and not yet reported, over all sheets, before ops are refused. */
    private static final int COMMIT_BACKLOG = 50_000;

    private final Settings settings;
    private final Limits limits;
    private final Executor pool;
    private final SheetStore store;
    private final Committer committer;
    private final Map<String, Room> live = new HashMap<>();
    private final Map<Room, Integer> holders = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> retiring = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> opening = new HashMap<>();

    public RoomRegistry(Settings settings, Executor pool, SheetStore store) {
        this.settings = settings;
        this.limits = new Limits(settings.maxRows(), settings.maxColumns(), settings.maxValueLength());
        this.pool = pool;
        this.store = store;
        this.committer = new Committer(store, COMMIT_BACKLOG);
    }

    public SheetStore store() {
        return store;
    }

    /**
     * The room of {@code sheetId}, held until {@link #release}; null when there is no such sheet and
     * {@code create} is false. An unknown valid id is created empty when {@code create} is true.
     *
     * @throws StoreException when the sheet cannot be read from the store
     */
    public Room acquire(String sheetId, boolean create) {
        if (!Ids.isValid(sheetId)) {
            return null;
        }
        while (true) {
            CompletableFuture<Void> busy;
            CompletableFuture<Void> mine = new CompletableFuture<>();
            synchronized (this) {
                busy = retiring.containsKey(sheetId) ? retiring.get(sheetId) : opening.get(sheetId);
                if (busy == null) {
                    Room room = live.get(sheetId);
                    if (room != null) {
                        holders.merge(room, 1, Integer::sum);
                        return room;
                    }
                    opening.put(sheetId, mine);
                }
            }
            if (busy == null) {
                return openHeld(sheetId, create, mine);
            }
            // Wait outside the lock: a retiring room finishes its commits, an opening one its load.
            busy.join();
        }
    }

    /** Loads the sheet without holding the lock (a store read may wait behind a slow commit), then holds it. */
    private Room openHeld(String sheetId, boolean create, CompletableFuture<Void> opened) {
        Room room = null;
        try {
            room = open(sheetId, create);
            return room;
        } finally {
            synchronized (this) {
                opening.remove(sheetId);
                if (room != null) {
                    live.put(sheetId, room);
                    holders.merge(room, 1, Integer::sum);
                }
            }
            opened.complete(null);
        }
    }

    /**
     * Gives a room back. The last release retires it once its pending commits are reported; this
     * never waits for that, because it may be called on the room's own thread (a session closed by
     * the room's outbox reports its close on the same thread).
     */
    public synchronized void release(Room room) {
        int left = holders.merge(room, -1, Integer::sum);
        if (left > 0) {
            return;
        }
        holders.remove(room);
        if (!live.remove(room.id(), room)) {
            return; // deleted meanwhile: already retired
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        retiring.put(room.id(), done);
        room.retire(null).thenRun(() -> {
            synchronized (this) {
                retiring.remove(room.id(), done);
            }
            done.complete(null);
        });
    }

    /**
     * Deletes a sheet: its connected clients are closed with 4004, ops still pending are reported,
     * then it is removed from the store. A later join creates it anew.
     *
     * @return false if there was no such sheet
     */
    public boolean delete(String sheetId) {
        if (!Ids.isValid(sheetId)) {
            return false;
        }
        Room room;
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        while (true) {
            CompletableFuture<Void> earlier;
            synchronized (this) {
                earlier = retiring.containsKey(sheetId) ? retiring.get(sheetId) : opening.get(sheetId);
                if (earlier == null) {
                    room = live.remove(sheetId);
                    retiring.put(sheetId, deleted);
                    break;
                }
            }
            earlier.join(); // a room still finishing its commits: let it, then delete
        }
        try {
            if (room != null) {
                room.retire(new CloseReason(CloseReason.CloseCodes.getCloseCode(4004), "sheet " + sheetId + " was deleted"))
                        .join();
            }
            return store.delete(sheetId) || room != null;
        } finally {
            synchronized (this) {
                retiring.remove(sheetId, deleted);
            }
            deleted.complete(null);
        }
    }

    /** Stops committing (after what is already handed over) and closes the store. */
    @Override
    public void close() {
        committer.close();
        store.close();
    }

    private Room open(String sheetId, boolean create) {
        Optional<StoredSheet> stored = store.load(sheetId);
        if (stored.isPresent()) {
            return restore(stored.get());
        }
        Snapshot initial;
        if (Sheets.DEMO.equals(sheetId)) {
            initial = Sheets.demo();
        } else if (create) {
            initial = Sheets.empty(sheetId);
        } else {
            return null;
        }
        return new Room(Sheet.of(initial, limits), false, new OpLog(settings.opWindow()), limits,
                settings.opWindow(), pool, committer);
    }

    /** The sheet at its last committed version: the snapshot, then every op after it replayed. */
    private Room restore(StoredSheet stored) {
        Sheet sheet = Sheet.of(stored.snapshot(), limits);
        OpLog log = new OpLog(settings.opWindow());
        for (LoggedOp op : stored.ops()) {
            if (op.version() > sheet.version()) {
                Outcome outcome = sheet.apply(op.request());
                if (!(outcome instanceof Outcome.Applied a) || a.version() != op.version()) {
                    throw new StoreException("sheet " + stored.snapshot().sheet() + ": stored op " + op.version()
                            + " does not replay (" + outcome + "); the store is inconsistent", null);
                }
            }
            log.append(new OpLog.Entry(op.version(), op.by(), op.opId(), op.request(), op.appliedText()));
        }
        return new Room(sheet, true, log, limits, settings.opWindow(), pool, committer);
    }

    /** Ids of the sheets a listing shows: stored ones (live ones are stored once they have an op). */
    public List<String> ids() {
        return store.list().stream().map(s -> s.id()).toList();
    }
}
