package dev.livegrid.cluster;

import dev.livegrid.room.RoomRegistry;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SignalListener;
import dev.livegrid.store.StoreException;
import dev.livegrid.store.StoreSignals;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a server's loaded sheets up with what other servers sharing its database commit, on one
 * thread of its own: it listens for their signals ({@link StoreSignals}) and hands each to the
 * registry (a sheet moved on: its room catches up; deleted: closed with 4004; access changed or
 * presence changed: read again), tells the others every {@link #HEARTBEAT} that this server is alive
 * (whose users leave everyone's lists when it stops) and reads every loaded sheet's presence again,
 * and compares every loaded sheet's version (and, without signals, its presence) with the store
 * each {@link #POLL_WITH_SIGNALS} (or
 * {@link #POLL_WITHOUT_SIGNALS} where the database cannot signal), so a missed signal costs at most
 * that long, never an op. A lost listening connection is opened again; the store may be down for
 * any time meanwhile (commits then fail as {@code store-unavailable}).
 */
public final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StoreFollower.class.getName());
    /** How often loaded sheets are compared with the store while signals arrive. */
    static final Duration POLL_WITH_SIGNALS = Duration.ofSeconds(1);
    /** How often, when the database cannot signal (or its listener is down): the only way to hear of others' commits. */
    static final Duration POLL_WITHOUT_SIGNALS = Duration.ofMillis(200);
    /** How often this server tells the others it is alive (they count it gone after 10 s without). */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** How long a lost listener waits before it is opened again. */
    private static final Duration RELISTEN = Duration.ofSeconds(1);

    private final RoomRegistry rooms;
    private final SheetStore store;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private SignalListener listener;
    /** Whether the database signals at all; false after it said it cannot (polling alone from then on). */
    private boolean canSignal = true;
    /** Whether the last attempt to reach the store failed: logged once per outage, not once per poll. */
    private boolean storeDown;

    private StoreFollower(RoomRegistry rooms) {
        this.rooms = rooms;
        this.store = rooms.store();
        this.thread = new Thread(this::run, "livegrid-store-follower");
        this.thread.setDaemon(true);
    }

    /** Starts following when the registry's store is shared with other servers; null when it is not. */
    public static StoreFollower startIfShared(RoomRegistry rooms) {
        if (!rooms.store().shared()) {
            return null;
        }
        StoreFollower follower = new StoreFollower(rooms);
        follower.thread.start();
        return follower;
    }

    private void run() {
        long nextPoll = 0;
        long nextListen = 0;
        long nextBeat = 0;
        while (stopped.getCount() > 0) {
            long now = System.nanoTime();
            try {
                if (listener == null && canSignal && now - nextListen >= 0) {
                    nextListen = now + RELISTEN.toNanos();
                    listen();
                    nextPoll = now; // whatever was signalled while nobody listened: found by this poll
                }
                if (now - nextBeat >= 0) {
                    nextBeat = now + HEARTBEAT.toNanos();
                    rooms.heartbeat();
                    if (listener != null) {
                        rooms.checkPresenceAgainstStore(); // signals carry presence; this covers lost ones and dead servers
                    }
                }
                if (now - nextPoll >= 0) {
                    rooms.checkLoadedAgainstStore();
                    if (listener == null) {
                        rooms.checkPresenceAgainstStore(); // no signals: presence is polled with the versions
                    }
                    nextPoll = now + (listener != null ? POLL_WITH_SIGNALS : POLL_WITHOUT_SIGNALS).toNanos();
                    reachable();
                }
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextPoll - System.nanoTime()));
                if (listener != null) {
                    for (String message : listener.await(wait)) {
                        dispatch(message);
                    }
                } else {
                    stopped.await(wait, TimeUnit.MILLISECONDS);
                }
            } catch (StoreException e) {
                unreachable(e);
                closeListener();
                try {
                    stopped.await(RELISTEN.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    break;
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) { // a bug must not end following for good
                LOG.log(Level.SEVERE, "following other servers' commits failed unexpectedly; going on", e);
            }
        }
        closeListener();
    }

    private void listen() {
        listener = store.listen();
        if (listener == null) {
            canSignal = false;
            LOG.info(() -> "the store cannot signal other servers' commits; loaded sheets are compared with it every "
                    + POLL_WITHOUT_SIGNALS.toMillis() + " ms");
            return;
        }
        // Access lists changed while nobody listened are read again (the poll covers ops and deletes).
        for (String sheetId : rooms.loadedIds()) {
            rooms.accessChangedElsewhere(sheetId);
        }
    }

    private void dispatch(String message) {
        StoreSignals.Signal signal = StoreSignals.parse(message);
        if (signal == null) {
            return;
        }
        boolean own = signal.server().equals(store.signalName());
        switch (signal.kind()) {
            case MOVED -> {
                if (!own) {
                    rooms.movedElsewhere(signal.sheetId(), signal.version());
                }
            }
            case DELETED -> {
                if (!own) {
                    rooms.deletedElsewhere(signal.sheetId());
                }
            }
            // Own changes too: a read started after the last change of the list is the one that counts.
            case ACCESS -> rooms.accessChangedElsewhere(signal.sheetId());
            case PRESENCE -> {
                if (!own) {
                    rooms.presenceChangedElsewhere(signal.sheetId());
                }
            }
        }
    }

    private void reachable() {
        if (storeDown) {
            storeDown = false;
            LOG.info("the store is reachable again; following other servers' commits");
        }
    }

    private void unreachable(StoreException e) {
        if (!storeDown) {
            storeDown = true;
            LOG.warning(() -> "cannot follow other servers' commits until the store answers again: " + e.getMessage());
        }
    }

    private void closeListener() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** Stops following; the listening connection is given back. */
    @Override
    public void close() {
        stopped.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
