package dev.livegrid.heartbeat;

import dev.livegrid.session.Outbox;
import dev.livegrid.session.Outgoing;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pings every tracked session at the ping interval and closes those whose pong is overdue, all on
 * one shared scheduler (no thread per connection). Pings go through each session's {@link Outbox}.
 * <p>
 * A tick sends one ping to every session and schedules one check, {@code pongTimeout} later, for
 * the whole batch: a session that has not answered any ping sent at or before that tick is closed
 * with 1001. The close bypasses the outbox on purpose: a dead peer may never complete the send in
 * flight, and closing ends the session anyway.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    private final ScheduledExecutorService scheduler;
    private final Duration pongTimeout;
    private final Map<Session, Beat> beats = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> ticks;
    private long tickCount; // touched only by the scheduler's tick
    private final Runnable onSilentClose;

    public Heartbeat(ScheduledExecutorService scheduler, Duration pingInterval, Duration pongTimeout) {
        this(scheduler, pingInterval, pongTimeout, () -> { });
    }

    /** @param onSilentClose told each time a session is closed for an overdue pong (the metrics count them) */
    public Heartbeat(ScheduledExecutorService scheduler, Duration pingInterval, Duration pongTimeout, Runnable onSilentClose) {
        this.onSilentClose = onSilentClose;
        this.scheduler = scheduler;
        this.pongTimeout = pongTimeout;
        long period = pingInterval.toNanos();
        this.ticks = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    /** Starts pinging the session; its pings are written by {@code outbox}. */
    public void track(Session session, Outbox outbox) {
        beats.put(session, new Beat(outbox));
    }

    public void untrack(Session session) {
        beats.remove(session);
        synchronized (beats) {
            beats.notifyAll();
        }
    }

    /**
     * Closes every tracked session through its outbox with {@code reason} (after what is queued for
     * it), and waits until they have all closed or {@code patience} has passed: a server that stops
     * says goodbye (1001) instead of leaving its clients with a dropped connection (1006).
     */
    public void closeAll(CloseReason reason, Duration patience) {
        beats.values().forEach(beat -> beat.outbox.close(reason));
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (beats) {
            long left;
            while (!beats.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(beats, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Records a pong from the session (wire it to the endpoint's {@code PongMessage} handler). */
    public void pongReceived(Session session) {
        Beat beat = beats.get(session);
        if (beat != null) {
            beat.unansweredSince = 0;
        }
    }

    /** Sessions currently tracked. */
    public int size() {
        return beats.size();
    }

    @Override
    public void close() {
        ticks.cancel(false);
        beats.clear();
    }

    /** One tick; it must never throw, or the scheduler would silently stop ticking. */
    private void tick() {
        try {
            pingAll();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "a heartbeat tick failed; the next one runs as planned", e);
        }
    }

    private void pingAll() {
        long tick = ++tickCount;
        beats.forEach((session, beat) -> {
            if (beat.unansweredSince == 0) {
                beat.unansweredSince = tick;
            }
            beat.outbox.offer(new Outgoing.Ping(ByteBuffer.allocate(0)));
        });
        scheduler.schedule(() -> closeSilent(tick), pongTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void closeSilent(long tick) {
        beats.forEach((session, beat) -> {
            long since = beat.unansweredSince;
            if (since != 0 && since <= tick) {
                beats.remove(session);
                onSilentClose.run();
                closeNow(session);
            }
        });
    }

    private void closeNow(Session session) {
        LOG.fine(() -> "closing session " + session.getId() + ": no pong within " + pongTimeout);
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY,
                    "no pong within " + pongTimeout.toMillis() + " ms"));
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "close of silent session " + session.getId() + " failed: " + e);
        }
    }

    /** Heartbeat state of one session; written by the scheduler thread and by the pong handler. */
    private static final class Beat {
        final Outbox outbox;
        /** The tick of the oldest ping not answered yet, 0 when every ping was answered. */
        volatile long unansweredSince;

        Beat(Outbox outbox) {
            this.outbox = outbox;
        }
    }
}
