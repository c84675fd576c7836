package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The only writer to its session. At most one send is in flight; its completion starts the next.
 * {@link #offer} never blocks, and what waits is bounded in items and bytes:
 * <ol>
 *   <li>a newer {@link Outgoing.Droppable} (presence) replaces any one still queued;</li>
 *   <li>under pressure (a quarter of either bound used) a newer {@link Outgoing.Update} of a cell
 *       replaces the queued ones of the same cell; versions still reach the peer in increasing order,
 *       and the next update after a removed one lists it as skipped (see {@link Coalescer});</li>
 *   <li>past a bound, queued droppables go first; if that is not enough the queue is dropped and the
 *       session closed at once with the reason {@code overflowReason} gives for the version the
 *       peer can resume from (every version up to it was handed to the peer, or merged into a newer
 *       update of its cell that was).</li>
 * </ol>
 * The Jakarta WebSocket API lets a container throw {@code IllegalStateException} on concurrent sends
 * to one session; every message, ping and close therefore goes through here. The overflow close is
 * the one exception: the send in flight may never complete for a peer that stopped reading.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final Session session;
    private final int maxItems;
    private final long maxBytes;
    private final LongFunction<CloseReason> overflowReason;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long handedOverVersion;
    private boolean sending;
    private boolean closing;

    /** An outbox whose overflow close is 1013 with a plain reason (for endpoints without versions). */
    public Outbox(Session session, int maxItems, long maxBytes) {
        this(session, maxItems, maxBytes,
                v -> new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "outbox overflow: reading too slowly"));
    }

    public Outbox(Session session, int maxItems, long maxBytes, LongFunction<CloseReason> overflowReason) {
        this.session = session;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.overflowReason = overflowReason;
    }

    /** Queues the item; false when it was refused because the outbox is closing or just overflowed. */
    public boolean offer(Outgoing item) {
        CloseReason overflow;
        synchronized (this) {
            if (closing) {
                return false;
            }
            enqueue(item);
            overflow = overBound() ? overflow() : null;
            if (overflow == null && sending) {
                return true;
            }
            if (overflow == null) {
                sending = true;
            }
        }
        if (overflow != null) {
            closeNow(overflow);
            return false;
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

    /** The item bound of what may wait. */
    public int maxItems() {
        return maxItems;
    }

    /** The byte bound of what may wait. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Items waiting (the one in flight excluded). */
    public synchronized int pending() {
        return queue.size();
    }

    /** Approximate bytes waiting (the item in flight excluded). */
    public synchronized long pendingBytes() {
        return queuedBytes;
    }

    private void enqueue(Outgoing item) {
        if (item instanceof Outgoing.Droppable) {
            removeIf(q -> q instanceof Outgoing.Droppable);
        }
        if (item instanceof Outgoing.Update update && update.coalesceKey() != null && update.reencodable()
                && underPressure() && holdsUpdateOf(update.coalesceKey())) {
            item = coalesce(update);
        }
        queue.add(item);
        queuedBytes += item.size();
    }

    private boolean underPressure() {
        return queue.size() >= maxItems / 4 || queuedBytes >= maxBytes / 4;
    }

    /** Over a bound with more than one item waiting: a single message, however large, may always go. */
    private boolean overBound() {
        if (queue.size() <= 1 || queue.size() <= maxItems && queuedBytes <= maxBytes) {
            return false;
        }
        removeIf(q -> q instanceof Outgoing.Droppable);
        return queue.size() > maxItems || queuedBytes > maxBytes;
    }

    /** Drops the queue and says how to close, resuming below every version whose change only a queued update carries. */
    private CloseReason overflow() {
        long resume = handedOverVersion;
        for (Outgoing item : queue) {
            if (item instanceof Outgoing.Update u && !u.standsFor().isEmpty()) {
                resume = Math.min(resume, u.oldestVersion() - 1);
            }
        }
        queue.clear();
        queuedBytes = 0;
        closing = true;
        return overflowReason.apply(resume);
    }

    private boolean holdsUpdateOf(String key) {
        for (Outgoing item : queue) {
            if (item instanceof Outgoing.Update u && key.equals(u.coalesceKey())) {
                return true;
            }
        }
        return false;
    }

    /** Merges the queued updates of {@code newer}'s cell into it; queued updates after them may be re-encoded. */
    private Outgoing.Update coalesce(Outgoing.Update newer) {
        List<Outgoing> items = new ArrayList<>(queue);
        Outgoing.Update merged = Coalescer.merge(items, newer);
        queue.clear();
        queue.addAll(items);
        queuedBytes = 0;
        for (Outgoing item : items) {
            queuedBytes += item.size();
        }
        return merged;
    }

    private void removeIf(java.util.function.Predicate<Outgoing> doomed) {
        for (Iterator<Outgoing> it = queue.iterator(); it.hasNext(); ) {
            Outgoing item = it.next();
            if (doomed.test(item)) {
                it.remove();
                queuedBytes -= item.size();
            }
        }
    }

    private void closeNow(CloseReason reason) {
        LOG.fine(() -> "session " + session.getId() + " overflowed its outbox: " + reason.getReasonPhrase());
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing overflowed session " + session.getId() + " failed", e);
        }
    }

    /**
     * Sends queued items one after the other. A send that completes on this thread continues the
     * loop; one that completes later resumes it from its callback, so the stack never grows.
     */
    private void drain() {
        Outgoing next;
        while ((next = nextOrIdle()) != null) {
            AtomicInteger race = new AtomicInteger(); // 0: pending, 1: completed inline, 2: send returned first
            Completion completion = new Completion(race);
            try {
                next.send(session, completion);
            } catch (RuntimeException | Error e) { // e.g. IllegalStateException: the connection has been closed;
                // an Error too: thrown out of here it would leave "sending" set and the outbox stuck for good
                completion.onResult(new SendResult(e));
            }
            if (race.compareAndSet(0, 2)) {
                return;
            }
        }
    }

    private synchronized Outgoing nextOrIdle() {
        Outgoing next = queue.poll();
        if (next == null) {
            sending = false;
            return null;
        }
        queuedBytes -= next.size();
        if (next instanceof Outgoing.Update u) {
            handedOverVersion = Math.max(handedOverVersion, u.version());
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
            queuedBytes = 0;
        }
        LOG.log(Level.FINE, "send to session " + session.getId() + " failed; dropping its outbox", cause);
    }
}
