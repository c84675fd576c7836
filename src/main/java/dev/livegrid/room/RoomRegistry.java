package dev.livegrid.room;

import dev.livegrid.access.Role;
import dev.livegrid.config.Settings;
import dev.livegrid.metrics.Meters;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The live rooms, one per sheet in use: a room is opened once however many clients join at the same
 * time — from the store, where the sheet is restored from its snapshot and the ops after it — and
 * stays loaded after its last holder (a connection or an HTTP request) releases it, so HTTP requests
 * on a sheet nobody has open do not reload it each time. An idle room is retired after
 * {@code idle-sheet-timeout}, or earlier when the idle rooms together grow past {@link #idleBudget}
 * (least recently used first).
 * <p>
 * Opening and closing take this registry's lock only to look up and record rooms — never while a
 * room finishes or a sheet is read from the store — and ops never touch it. Every wait for another
 * thread's work has a deadline ({@link #WAIT}): a caller that would wait longer gets
 * {@link RoomUnavailableException} and its thread back.
 */
public final class RoomRegistry implements AutoCloseable {

    /** Longest a caller waits for a sheet that is being loaded, closed or deleted. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** Ops handed to the committer and not yet reported, over all sheets, before ops are refused. */
    private static final int COMMIT_BACKLOG = 50_000;

    private final Settings settings;
    private final Limits limits;
    private final Executor pool;
    private final SheetStore store;
    private final Committer committer;
    private final long idleBudget;
    private final long idleNanos;
    private final ScheduledFuture<?> sweeper;
    /** Where rooms' presence batches wait out their window (null: sent as soon as their sequencer is idle). */
    private final ScheduledExecutorService scheduler;
    private final Meters meters;
    private final Map<String, Room> live = new HashMap<>();
    private final Map<Room, Integer> holders = new HashMap<>();
    /** Rooms nobody holds, least recently released first, with when they were released. */
    private final LinkedHashMap<Room, Long> idleSince = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Void>> retiring = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> opening = new HashMap<>();
    /** How rooms follow other servers' commits and presence, when the store is shared with them; null otherwise. */
    private final ClusterLink cluster;

    /** A registry whose idle rooms are retired only when rooms are acquired or released (tests). */
    public RoomRegistry(Settings settings, Executor pool, SheetStore store) {
        this(settings, pool, store, null);
    }

    /**
     * @param scheduler where idle rooms are swept every few seconds (its task is cancelled by
     *                  {@link #close()}) and presence changes wait to be sent together; null to sweep
     *                  only on acquire and release, and send presence without waiting
     */
    public RoomRegistry(Settings settings, Executor pool, SheetStore store, ScheduledExecutorService scheduler) {
        this(settings, pool, store, scheduler, Meters.NONE);
    }

    /** As {@link #RoomRegistry(Settings, Executor, SheetStore, ScheduledExecutorService)}, reporting ops and commits to {@code meters}. */
    public RoomRegistry(Settings settings, Executor pool, SheetStore store, ScheduledExecutorService scheduler, Meters meters) {
        this.settings = settings;
        this.meters = meters;
        this.limits = new Limits(settings.maxRows(), settings.maxColumns(), settings.maxValueLength(),
                settings.maxSheetSize(), settings.outboxLimit() / 2);
        this.pool = pool;
        this.store = store;
        this.committer = new Committer(store, COMMIT_BACKLOG, meters);
        this.cluster = store.shared() ? new ClusterLink(store, this::lost) : null;
        this.scheduler = scheduler;
        this.idleBudget = idleBudget();
        this.idleNanos = settings.idleSheetTimeout().toNanos();
        long period = Math.max(1, Math.min(5_000, settings.idleSheetTimeout().toMillis() / 2));
        this.sweeper = scheduler == null ? null
                : scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Idle rooms may hold together 1/8 of the heap: a cache, never the reason the server runs out of memory. */
    private static long idleBudget() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    /** How long the store's commit under way has been running; zero when none is (see the health check). */
    public java.time.Duration commitRunningFor() {
        return committer.commitRunningFor();
    }

    /** The limits every sheet's new ops are held to. */
    public Limits limits() {
        return limits;
    }

    public SheetStore store() {
        return store;
    }

    /**
     * The room of {@code sheetId}, held until {@link #release}; null when there is no such sheet and
     * {@code create} is false. An unknown valid id is created empty when {@code create} is true.
     *
     * @throws StoreException           when the sheet cannot be read from the store
     * @throws RoomUnavailableException when the sheet is still being loaded, closed or deleted after {@link #WAIT}
     */
    public Room acquire(String sheetId, boolean create) {
        return acquire(sheetId, create, null);
    }

    /**
     * As {@link #acquire(String, boolean)}; a sheet this call creates gets {@code creator} (a user id,
     * or null for none) as its owner in its access list.
     */
    public Room acquire(String sheetId, boolean create, String creator) {
        if (!Ids.isValid(sheetId)) {
            return null;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            CompletableFuture<Void> busy;
            CompletableFuture<Void> mine = new CompletableFuture<>();
            synchronized (this) {
                busy = retiring.containsKey(sheetId) ? retiring.get(sheetId) : opening.get(sheetId);
                if (busy == null) {
                    Room room = live.get(sheetId);
                    if (room != null) {
                        hold(room);
                        return room;
                    }
                    opening.put(sheetId, mine);
                }
            }
            if (busy == null) {
                return openHeld(sheetId, create, creator, mine);
            }
            // Wait outside the lock: a retiring room finishes its commits, an opening one its load.
            await(busy, deadline, "sheet " + sheetId + " is still being loaded or closed");
        }
    }

    /** Loads the sheet without holding the lock (a store read may wait behind a slow commit), then holds it. */
    private Room openHeld(String sheetId, boolean create, String creator, CompletableFuture<Void> opened) {
        Room room = null;
        try {
            room = open(sheetId, create, creator);
            return room;
        } finally {
            synchronized (this) {
                opening.remove(sheetId);
                if (room != null) {
                    live.put(sheetId, room);
                    hold(room);
                }
            }
            opened.complete(null);
        }
    }

    private void hold(Room room) {
        holders.merge(room, 1, Integer::sum);
        idleSince.remove(room);
    }

    /**
     * Gives a room back. The last release leaves it loaded but idle; idle rooms are retired by the
     * sweep. This never waits: it may be called on the room's own thread (a session closed by the
     * room's outbox reports its close on the same thread).
     */
    public void release(Room room) {
        synchronized (this) {
            Integer left = holders.merge(room, -1, Integer::sum);
            if (left != null && left > 0) {
                return;
            }
            holders.remove(room);
            if (live.get(room.id()) == room) { // not deleted meanwhile
                idleSince.put(room, System.nanoTime());
            }
        }
        sweep();
    }

    /** Retires idle rooms past the idle timeout, and the least recently used while idle rooms exceed their budget. */
    void sweep() {
        List<Room> evicted = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            long idleSize = 0;
            for (Room room : idleSince.keySet()) {
                idleSize += room.size();
            }
            for (var it = idleSince.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                boolean expired = now - entry.getValue() >= idleNanos;
                if (!expired && idleSize <= idleBudget) {
                    break; // the rest were released later
                }
                Room room = entry.getKey();
                it.remove();
                idleSize -= room.size();
                live.remove(room.id(), room);
                evicted.add(room);
            }
            for (Room room : evicted) {
                retire(room, null);
            }
        }
    }

    /** Retires a room taken out of {@code live}; until it has finished, its sheet counts as being closed. Call with the lock held. */
    private void retire(Room room, CloseReason reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        retiring.put(room.id(), done);
        room.retire(reason).thenRun(() -> {
            synchronized (this) {
                retiring.remove(room.id(), done);
            }
            done.complete(null);
        });
    }

    /**
     * Drops a room that cannot follow its sheet any more (cluster mode: deleted or re-created by another
     * server, or moved on past what the store keeps): its members are closed with {@code reason}, and
     * the next client or request loads the sheet afresh from the store.
     */
    private synchronized void lost(Room room, CloseReason reason) {
        if (live.get(room.id()) != room || retiring.containsKey(room.id())) {
            return; // already being closed or deleted here
        }
        live.remove(room.id());
        idleSince.remove(room);
        retire(room, reason);
    }

    /**
     * Another server committed the sheet up to {@code version} (cluster mode): its room, if loaded
     * and behind, reads what it missed.
     */
    public void movedElsewhere(String sheetId, long version) {
        Room room = loaded(sheetId);
        if (room != null && cluster != null && room.durableVersion() < version) {
            cluster.catchUp(room);
        }
    }

    /**
     * A server (this one included) committed a change of the sheet's access list (cluster mode): the
     * room, if loaded, reads the list again. Runs on the caller's thread (one that may wait for the store).
     *
     * @throws dev.livegrid.store.StoreException when the store cannot be read
     */
    public void accessChangedElsewhere(String sheetId) {
        Room room = loaded(sheetId);
        if (room != null) {
            room.accessChangedElsewhere(store.accessList(sheetId));
        }
    }

    /** Who is on the sheet through another server changed (cluster mode): its room, if loaded, reads it. */
    public void presenceChangedElsewhere(String sheetId) {
        Room room = loaded(sheetId);
        if (room != null && cluster != null) {
            cluster.readPresence(room);
        }
    }

    /**
     * Marks this server alive for the others (cluster mode; every couple of seconds); presence that
     * could not be written is written again.
     *
     * @throws dev.livegrid.store.StoreException when the store cannot be reached
     */
    public void heartbeat() {
        store.heartbeat();
        if (cluster != null) {
            cluster.retryPresence();
        }
    }

    /**
     * Reads who is on every loaded sheet through the other servers, in one query per 500 sheets, and
     * hands it to the rooms (cluster mode; what covers presence signals that were missed or cannot be
     * sent, and a dead server's users, who leave once its heartbeat is too old). Runs on the caller's
     * thread (one that may wait for the store).
     *
     * @throws dev.livegrid.store.StoreException when the store cannot be read
     */
    public void checkPresenceAgainstStore() {
        if (cluster == null) {
            return;
        }
        List<Room> rooms;
        synchronized (this) {
            rooms = new ArrayList<>(live.values());
        }
        if (rooms.isEmpty()) {
            return;
        }
        Map<String, Map<String, List<dev.livegrid.protocol.ServerMessage.User>>> bySheet =
                store.presenceElsewhere(rooms.stream().map(Room::id).toList());
        for (Room room : rooms) {
            var elsewhere = bySheet.getOrDefault(room.id(), Map.of());
            if (!elsewhere.isEmpty() || room.hasRemoteUsers()) {
                room.presenceElsewhere(elsewhere);
            }
        }
    }

    /** The ids of the loaded sheets. */
    public synchronized List<String> loadedIds() {
        return List.copyOf(live.keySet());
    }

    /** Another server deleted the sheet (cluster mode): its room, if loaded, is closed with 4004. */
    public void deletedElsewhere(String sheetId) {
        Room room = loaded(sheetId);
        if (room != null) {
            lost(room, deleted(sheetId));
        }
    }

    /**
     * Compares every loaded room with the store (cluster mode; what covers signals that were missed):
     * rooms behind it catch up, rooms whose sheet is gone or was created again are closed with 4004.
     *
     * @throws dev.livegrid.store.StoreException when the store cannot be read
     */
    public void checkLoadedAgainstStore() {
        if (cluster == null) {
            return;
        }
        List<Room> rooms;
        synchronized (this) {
            rooms = new ArrayList<>(live.values());
        }
        if (rooms.isEmpty()) {
            return;
        }
        Map<String, dev.livegrid.store.SheetMark> marks = store.marks(rooms.stream().map(Room::id).toList());
        for (Room room : rooms) {
            dev.livegrid.store.SheetMark mark = marks.get(room.id());
            if (mark == null || (room.createdAt() != 0 && mark.createdAt() != room.createdAt())) {
                lost(room, deleted(room.id()));
            } else if (mark.version() > room.durableVersion()) {
                cluster.catchUp(room);
            }
        }
    }

    private synchronized Room loaded(String sheetId) {
        return live.get(sheetId);
    }

    private static CloseReason deleted(String sheetId) {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(4004), "sheet " + sheetId + " was deleted");
    }

    /** How many sheets are loaded (held or idle), for the metrics. */
    public synchronized int loadedCount() {
        return live.size();
    }

    /** Whether the sheet's room is loaded (held or idle). */
    public synchronized boolean isLoaded(String sheetId) {
        return live.containsKey(sheetId);
    }

    /**
     * Deletes a sheet: its connected clients are closed with 4004, ops and snapshots still on their
     * way to the store are reported, then it is removed from the store — so when this returns, the
     * sheet is gone for good. A later join creates it anew, with a new incarnation.
     *
     * @return false if there was no such sheet
     * @throws RoomUnavailableException if that takes longer than {@link #WAIT}; the delete then
     *                                  completes by itself once the sheet's last commits are reported
     */
    public boolean delete(String sheetId) {
        if (!Ids.isValid(sheetId)) {
            return false;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        Room room;
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        while (true) {
            CompletableFuture<Void> earlier;
            synchronized (this) {
                earlier = retiring.containsKey(sheetId) ? retiring.get(sheetId) : opening.get(sheetId);
                if (earlier == null) {
                    room = live.remove(sheetId);
                    if (room != null) {
                        idleSince.remove(room);
                    }
                    retiring.put(sheetId, deleted);
                    break;
                }
            }
            await(earlier, deadline, "sheet " + sheetId + " is still being loaded or closed");
        }
        CompletableFuture<Void> retired = room == null ? CompletableFuture.completedFuture(null)
                : room.retire(new CloseReason(CloseReason.CloseCodes.getCloseCode(4004), "sheet " + sheetId + " was deleted"));
        boolean hadRoom = room != null;
        try {
            await(retired, deadline, "sheet " + sheetId + " is being deleted: its last changes are still being"
                    + " written, and it is removed from the store right after; repeat the DELETE to confirm");
        } catch (RoomUnavailableException e) {
            // Finish in the background (off the room's thread, which completes the retirement): the
            // sheet must not outlive a delete that was started.
            retired.thenRunAsync(() -> removeFromStore(sheetId, deleted), pool);
            throw e;
        }
        return removeFromStore(sheetId, deleted) || hadRoom;
    }

    private boolean removeFromStore(String sheetId, CompletableFuture<Void> deleted) {
        try {
            return store.delete(sheetId);
        } finally {
            synchronized (this) {
                retiring.remove(sheetId, deleted);
            }
            deleted.complete(null);
        }
    }

    /** Stops sweeping and committing (after what is already handed over) and closes the store. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        committer.close();
        if (cluster != null) {
            cluster.close();
        }
        store.close();
    }

    private static void await(CompletableFuture<Void> future, long deadline, String busy) {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RoomUnavailableException(busy);
        } catch (ExecutionException e) {
            // the other party failed (a load that threw): look again, as if it had finished
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RoomUnavailableException("the server is stopping");
        }
    }

    private Room open(String sheetId, boolean create, String creator) {
        Optional<StoredSheet> stored = store.load(sheetId);
        if (stored.isPresent()) {
            Room room = restore(stored.get());
            if (cluster != null) {
                cluster.readPresence(room);
            }
            return room;
        }
        Snapshot initial;
        if (Sheets.DEMO.equals(sheetId)) {
            initial = Sheets.demo();
        } else if (create) {
            initial = Sheets.empty(sheetId);
        } else {
            return null;
        }
        Map<String, Role> access = creator == null ? Map.of() : Map.of(creator, Role.OWNER);
        Snapshot created = initial.withIncarnation(newIncarnation());
        if (store.shared()) {
            // Written before anyone joins: another server may be creating the same sheet at this moment,
            // and whichever is first decides what both serve.
            Room room = restore(store.createOrLoad(created, access));
            cluster.readPresence(room);
            return room;
        }
        return new Room(Sheet.of(created, limits), false, access,
                new OpLog(settings.opWindow()), limits, settings.opWindow(), pool, scheduler, committer, meters);
    }

    /**
     * The sheet at its last committed version: the snapshot, then every op after it replayed. Ops
     * replay without limits — they were accepted under the limits of their day, and lowering a limit
     * must never make a stored sheet unreadable; the limits of today apply to new ops.
     */
    private Room restore(StoredSheet stored) {
        Sheet sheet = Sheet.of(stored.snapshot(), Limits.NONE);
        OpLog log = new OpLog(settings.opWindow());
        for (LoggedOp op : stored.ops()) {
            if (op.version() > sheet.version()) {
                Outcome outcome = sheet.apply(op.request());
                if (!(outcome instanceof Outcome.Applied a) || a.version() != op.version()) {
                    String why = outcome instanceof Outcome.Rejected r ? r.rejection().reason().code() + ": "
                            + r.rejection().message() : "version " + ((Outcome.Applied) outcome).version();
                    throw new StoreException("sheet " + stored.snapshot().sheet() + ": stored op " + op.version()
                            + " does not replay (" + why + "); the store is inconsistent", null);
                }
            }
            log.append(new OpLog.Entry(op.version(), op.by(), op.opId(), op.request(), op.appliedText()));
        }
        return new Room(Sheet.of(sheet.snapshot(), limits), true, stored.access(), log, limits, settings.opWindow(), pool,
                scheduler, committer, meters, cluster, stored.createdAt());
    }

    /** A new sheet's incarnation: random, so a sheet id deleted and created again never repeats one. */
    private static String newIncarnation() {
        return Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }

    /** Ids of the sheets a listing shows: stored ones (live ones are stored once they have an op). */
    public List<String> ids() {
        return store.list().stream().map(s -> s.id()).toList();
    }
}
