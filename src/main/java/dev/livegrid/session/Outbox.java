package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 *   <li>under pressure (a quarter of either bound used) a newer {@link Outgoing.Update} of a cell
 *       replaces the queued ones of the same cell; versions still reach the peer in increasing order,
 *       and the next update after a removed one lists it as skipped (see {@link Coalescer});</li>
 *   <li>past a bound the queue is dropped and the
 *       session closed at once with the reason {@code overflowReason} gives for the version the
 *       peer can resume from (every version up to it was handed to the peer, or merged into a newer
 *       update of its cell that was).</li>
 * </ol>
 * The Jakarta WebSocket API lets a container throw {@code IllegalStateException} on concurrent sends
 * to one session; every message, ping and close therefore goes through here. The overflow close is
 * the one exception: the send in flight may never complete for a peer that stopped reading.
 * <p>
 * With a {@link FrameChannel} (standalone) text messages leave as frames written to the connection,
 * those queued together in one write; on a {@link BatchingThread} inside a batch (a sequencer's
 * turn) an idle outbox starts writing when the batch ends, so one viewer gets a turn's updates in
 * one write.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    /** At most this many queued text frames leave in one write through a {@link FrameChannel}. */
    static final int MAX_BATCH = 64;
    /** ...and at most this many bytes of them (a first frame alone may be larger). */
    static final long MAX_BATCH_BYTES = 64 * 1024;

    private final Session session;
    private final FrameChannel channel;
    private final int maxItems;
    private final long maxBytes;
    private final LongFunction<CloseReason> overflowReason;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long handedOverVersion;
    private boolean sending;
    private boolean closing;
    /** Sending is held for the end of a batch (see {@link BatchingThread}): nothing is in flight yet. */
    private boolean deferred;
    /** A deferred outbox writes at once when this many items or bytes wait: far below the pressure mark. */
    private final int batchItems;
    private final long batchBytes;
    /** The frames of the write in flight (channel only; one write in flight, so one array). */
    private final ByteBuffer[] batch;
    /** One send is in flight at a time, so one completion object serves them all. */
    private final Completion completion = new Completion();

    /** An outbox whose overflow close is 1013 with a plain reason (for endpoints without versions). */
    public Outbox(Session session, int maxItems, long maxBytes) {
        this(session, maxItems, maxBytes,
                v -> new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "outbox overflow: reading too slowly"));
    }

    public Outbox(Session session, int maxItems, long maxBytes, LongFunction<CloseReason> overflowReason) {
        this(session, null, maxItems, maxBytes, overflowReason);
    }

    /**
     * An outbox that writes text messages as frames through {@code channel} (null: through the
     * session's asynchronous API), several queued ones in one write; everything else goes through
     * the session.
     */
    public Outbox(Session session, FrameChannel channel, int maxItems, long maxBytes,
                  LongFunction<CloseReason> overflowReason) {
        this.session = session;
        this.channel = channel;
        this.batch = channel == null ? null : new ByteBuffer[MAX_BATCH];
        this.batchItems = Math.max(1, Math.min(MAX_BATCH, maxItems / 8));
        this.batchBytes = Math.max(1, Math.min(MAX_BATCH_BYTES, maxBytes / 8));
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.overflowReason = overflowReason;
    }

    /** Queues the item; false when it was refused because the outbox is closing or just overflowed. */
    public boolean offer(Outgoing item) {
        CloseReason overflow;
        BatchingThread batch = BatchingThread.current();
        boolean defer = false;
        synchronized (this) {
            if (closing) {
                return false;
            }
            enqueue(item);
            overflow = overBound() ? overflow() : null;
            if (overflow == null && sending) {
                if (!deferred || queue.size() < batchItems && queuedBytes < batchBytes) {
                    return true;
                }
                deferred = false; // a write's worth waits for the end of a batch: write it now
            } else if (overflow == null) {
                sending = true;
                // A message of a write's worth (a welcome) leaves at once, as it would alone: it must
                // never wait where what follows it could push the queue over a bound.
                defer = deferred = batch != null && queue.size() < batchItems && queuedBytes < batchBytes;
            }
        }
        if (overflow != null) {
            closeNow(overflow);
            return false;
        }
        if (defer) {
            batch.defer(this);
            return true;
        }
        drain();
        return true;
    }

    /** Starts writing what a batch put off (see {@link BatchingThread}), unless someone already did. */
    void drainDeferred() {
        synchronized (this) {
            if (!deferred) {
                return;
            }
            deferred = false;
        }
        drain();
    }

    /** Sends what is queued, then closes the session; later offers are refused. */
    public void close(CloseReason reason) {
        finish(new Outgoing.Close(reason));
    }

    /**
     * Sends what is queued, then writes {@code lastBytes} as they are and closes the TCP connection
     * with no close handshake (see {@link Outgoing.Cut}); later offers are refused.
     */
    public void cut(RawConnection raw, ByteBuffer lastBytes) {
        finish(new Outgoing.Cut(raw, lastBytes));
    }

    private void finish(Outgoing last) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            queue.add(last);
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
        return queue.size() > 1 && (queue.size() > maxItems || queuedBytes > maxBytes);
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
     * loop; one that completes later resumes it from its callback, so the stack never grows. With a
     * {@link FrameChannel}, a text message and the text messages queued right behind it leave as one
     * write of their frames.
     */
    private void drain() {
        Outgoing next;
        while ((next = nextOrIdle()) != null) {
            completion.race.set(PENDING);
            try {
                if (next instanceof Outgoing.TextMessage text && channel != null) {
                    writeFrames(text);
                } else {
                    next.send(session, completion);
                }
            } catch (RuntimeException | Error e) { // e.g. IllegalStateException: the connection has been closed;
                // an Error too: thrown out of here it would leave "sending" set and the outbox stuck for good
                completion.onResult(new SendResult(e));
            }
            if (completion.race.compareAndSet(PENDING, RETURNED)) {
                return;
            }
        }
    }

    /** Writes {@code first} and the text messages queued behind it (up to a batch) through the channel. */
    private void writeFrames(Outgoing.TextMessage first) {
        ByteBuffer frame = first.frame();
        batch[0] = frame;
        int count = 1;
        long bytes = frame.remaining();
        synchronized (this) {
            while (count < MAX_BATCH && bytes < MAX_BATCH_BYTES
                    && queue.peek() instanceof Outgoing.TextMessage more) {
                ByteBuffer f = more.frame();
                if (bytes + f.remaining() > MAX_BATCH_BYTES) {
                    break;
                }
                take();
                batch[count++] = f;
                bytes += f.remaining();
            }
        }
        try {
            channel.write(batch, count, completion);
        } finally {
            java.util.Arrays.fill(batch, 0, count, null);
        }
    }

    private synchronized Outgoing nextOrIdle() {
        if (queue.isEmpty()) {
            sending = false;
            return null;
        }
        return take();
    }

    /** Hands the head of the queue over to the send in progress (with this outbox's lock held). */
    private Outgoing take() {
        Outgoing next = queue.poll();
        queuedBytes -= next.size();
        if (next instanceof Outgoing.Update u) {
            handedOverVersion = Math.max(handedOverVersion, u.version());
        }
        return next;
    }

    private static final int PENDING = 0;
    private static final int COMPLETED_INLINE = 1;
    private static final int RETURNED = 2;

    private final class Completion implements SendHandler {
        /** Who continues the loop: the send that completes inline, or the callback after the send returned. */
        final AtomicInteger race = new AtomicInteger();

        @Override
        public void onResult(SendResult result) {
            if (!result.isOK()) {
                abandon(result.getException());
            }
            if (!race.compareAndSet(PENDING, COMPLETED_INLINE)) {
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
