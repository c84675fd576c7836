package dev.livegrid.endpoint;

import dev.livegrid.session.Outbox;
import dev.livegrid.session.Outgoing;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One connection to {@code /echo}: its options, its outbox and its optional heartbeat messages. */
final class EchoSession {

    private final Session session;
    private final LiveGridContext context;
    private final EchoOptions options;
    private final Outbox outbox;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private volatile ScheduledFuture<?> heartbeatTask;

    private EchoSession(Session session, LiveGridContext context, EchoOptions options) {
        this.session = session;
        this.context = context;
        this.options = options;
        this.outbox = new Outbox(session, context.frameChannel(session), LiveGridContext.OUTBOX_CAPACITY,
                8 * context.settings().maxMessageSize(),
                v -> new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "outbox overflow: reading too slowly"));
    }

    /** Starts echoing on a new session; the parameters were already checked at the handshake. */
    static EchoSession open(Session session, LiveGridContext context) {
        long max = context.settings().maxMessageSize();
        session.setMaxTextMessageBufferSize((int) max);
        session.setMaxBinaryMessageBufferSize((int) max);
        EchoOptions options = EchoOptions.parse(session.getRequestParameterMap(), max);
        EchoSession echo = new EchoSession(session, context, options);
        context.heartbeat().track(session, echo.outbox);
        echo.startHeartbeatMessages();
        return echo;
    }

    /** Sends the message back (a {@code String} or a {@code ByteBuffer}), then closes if that was the last one. */
    void reply(Object message) {
        long count = received.incrementAndGet();
        if (options.closeAfter() > 0 && count > options.closeAfter()) {
            return;
        }
        Runnable send = () -> {
            outbox.offer(outgoing(message));
            if (count == options.closeAfter()) {
                outbox.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(options.closeCode()),
                        options.closeReason()));
            }
        };
        if (options.delay().isZero()) {
            send.run();
        } else {
            // One scheduler and one fixed delay: replies leave in the order their messages arrived.
            context.scheduler().schedule(send, options.delay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Closes the session through its outbox, after what is already queued. */
    void close(CloseReason reason) {
        outbox.close(reason);
    }

    void end() {
        ScheduledFuture<?> task = heartbeatTask;
        if (task != null) {
            task.cancel(false);
        }
        context.heartbeat().untrack(session);
    }

    private Outgoing outgoing(Object message) {
        if (options.fragment() > 0) {
            return new Outgoing.Fragmented(message, options.fragment(), context.blockingSends());
        }
        return message instanceof String text ? new Outgoing.Text(text) : new Outgoing.Binary((ByteBuffer) message);
    }

    private void startHeartbeatMessages() {
        if (options.heartbeat() == null) {
            return;
        }
        long period = options.heartbeat().toNanos();
        heartbeatTask = context.scheduler().scheduleAtFixedRate(() -> outbox.offer(new Outgoing.Text(
                        "{\"type\":\"heartbeat\",\"seq\":" + heartbeats.incrementAndGet()
                                + ",\"time\":\"" + Instant.now() + "\"}")),
                period, period, TimeUnit.NANOSECONDS);
    }
}
