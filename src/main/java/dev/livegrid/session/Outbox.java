package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The only writer to its session. At most one send is in flight; its completion starts the next.
 * {@link #offer} never blocks: past {@code capacity} queued items the queue is dropped and the
 * session is closed with 1013, so a peer that stops reading costs bounded memory.
 * <p>
 * The Jakarta WebSocket API lets a container throw {@code IllegalStateException} on concurrent sends
 * to one session; every text, binary, ping and close therefore goes through here.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final Session session;
    private final int capacity;
    private final Queue<Outgoing> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closing;

    public Outbox(Session session, int capacity) {
        this.session = session;
        this.capacity = capacity;
    }

    /** Queues the item; false when the outbox is closing or just overflowed (the item is dropped). */
    public boolean offer(Outgoing item) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            if (queue.size() >= capacity) {
                queue.clear();
                closing = true;
                queue.add(new Outgoing.Close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER,
                        "outbox overflow: reading too slowly")));
            } else {
                queue.add(item);
            }
            if (sending) {
                return !closing;
            }
            sending = true;
        }
        drain();
        return true;
    }

    /** Sends what is queued, then closes the session; later offers are refused. */
    public void close(CloseReason reason) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            queue.add(new Outgoing.Close(reason));
            if (sending) {
                return;
            }
            sending = true;
        }
        drain();
    }

    /** Number of items waiting (the one in flight excluded). */
    public synchronized int pending() {
        return queue.size();
    }

    /**
     * Sends queued items one after the other. A send that completes on this thread continues the
     * loop; one that completes later resumes it from its callback, so the stack never grows.
     */
    private void drain() {
        Outgoing next;
        while ((next = nextOrIdle()) != null) {
            AtomicInteger race = new AtomicInteger(); // 0: pending, 1: completed inline, 2: send returned first
            next.send(session, new Completion(race));
            if (race.compareAndSet(0, 2)) {
                return;
            }
        }
    }

    private synchronized Outgoing nextOrIdle() {
        Outgoing next = queue.poll();
        if (next == null) {
            sending = false;
        }
        return next;
    }

    private final class Completion implements SendHandler {
        private final AtomicInteger race;

        Completion(AtomicInteger race) {
            this.race = race;
        }

        @Override
        public void onResult(SendResult result) {
            if (!result.isOK()) {
                abandon(result.getException());
            }
            if (!race.compareAndSet(0, 1)) {
                drain();
            }
        }
    }

    /** A failed send means the connection is gone: drop what is queued and refuse further offers. */
    private void abandon(Throwable cause) {
        synchronized (this) {
            closing = true;
            queue.clear();
        }
        LOG.log(Level.FINE, "send to session " + session.getId() + " failed; dropping its outbox", cause);
    }
}
