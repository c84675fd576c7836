package dev.livegrid.endpoint;

import dev.livegrid.metrics.Meters;
import dev.livegrid.session.FrameChannel;
import dev.livegrid.session.Outbox;
import dev.livegrid.session.Outgoing;
import dev.livegrid.session.RawConnection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One connection to {@code /echo}: its options, its outbox, its heartbeat messages and pings, and its injected faults. */
final class EchoSession {

    /** Payload prefix of the pings {@code ping=S} sends, to tell their pongs from the heartbeat's. */
    private static final String PING_PREFIX = "echo-ping-";

    private final Session session;
    private final LiveGridContext context;
    private final EchoOptions options;
    private final Outbox outbox;
    private final RawConnection raw;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong pingsSent = new AtomicLong();
    private final AtomicLong pongedPing = new AtomicLong();
    private volatile ScheduledFuture<?> heartbeatTask;
    private volatile ScheduledFuture<?> pingTask;

    private EchoSession(Session session, LiveGridContext context, EchoOptions options, FrameChannel channel,
                        RawConnection raw) {
        this.session = session;
        this.context = context;
        this.options = options;
        this.raw = raw;
        this.outbox = new Outbox(session, channel, LiveGridContext.OUTBOX_CAPACITY,
                8 * context.settings().maxMessageSize(),
                v -> {
                    context.meters().outboxOverflowed(Meters.ECHO);
                    return new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "outbox overflow: reading too slowly");
                });
    }

    /** Starts echoing on a new session; the parameters were already checked at the handshake. */
    static EchoSession open(Session session, LiveGridContext context) {
        long max = context.settings().maxMessageSize();
        session.setMaxTextMessageBufferSize((int) max);
        session.setMaxBinaryMessageBufferSize((int) max);
        FrameChannel channel = context.frameChannel(session);
        RawConnection raw = channel == null ? null : channel.raw();
        EchoOptions options = EchoOptions.parse(session.getRequestParameterMap(), max, raw != null);
        EchoSession echo = new EchoSession(session, context, options, channel, raw);
        context.heartbeat().track(session, echo.outbox);
        if (options.faults().noPong()) {
            echo.raw.dropPongs();
        }
        echo.startHeartbeatMessages();
        echo.startPings();
        return echo;
    }

    /** Sends the message back (a {@code String} or a {@code ByteBuffer}), then closes if that was the last one. */
    void reply(Object message) {
        long count = received.incrementAndGet();
        EchoOptions.ConnectionFaults faults = options.faults();
        if (faults.stall() != null && count == faults.stallAfter()) {
            raw.stallReads(faults.stall());
        }
        long last = options.closeAfter() > 0 ? options.closeAfter() : faults.dropAfter();
        if (last > 0 && count > last) {
            return;
        }
        Object reply = options.size() >= 0 ? Resized.to(message, options.size()) : message;
        Runnable send = () -> {
            outbox.offer(outgoing(reply));
            if (count == last) {
                end();
            }
        };
        if (options.delay().isZero()) {
            send.run();
        } else {
            // One scheduler and one fixed delay: replies leave in the order their messages arrived.
            context.scheduler().schedule(send, options.delay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** A pong from the client: it answers one of this session's pings (or the heartbeat's). */
    void pong(ByteBuffer data) {
        String payload = StandardCharsets.UTF_8.decode(data.duplicate()).toString();
        if (payload.startsWith(PING_PREFIX)) {
            try {
                long seq = Long.parseLong(payload.substring(PING_PREFIX.length()));
                pongedPing.accumulateAndGet(seq, Math::max);
            } catch (NumberFormatException ignored) {
                // not one of ours after all
            }
        }
    }

    /** Closes the session through its outbox, after what is already queued. */
    void close(CloseReason reason) {
        outbox.close(reason);
    }

    void end() {
        EchoOptions.ConnectionFaults faults = options.faults();
        if (faults.dropAfter() > 0) {
            outbox.cut(raw, ByteBuffer.allocate(0));
        } else if (faults.rawClose()) {
            outbox.cut(raw, closeFrame(faults.rawCode() >= 0 ? faults.rawCode() : options.closeCode(),
                    options.closeReason(), faults.badReason()));
        } else {
            outbox.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(options.closeCode()), options.closeReason()));
        }
    }

    /** The session is gone: its timers stop. */
    void ended() {
        cancel(heartbeatTask);
        cancel(pingTask);
        context.heartbeat().untrack(session);
    }

    /** A close frame as the server writes it (unmasked), with whatever code, and a reason that may end in bytes that are not UTF-8. */
    static ByteBuffer closeFrame(int code, String reason, boolean badReason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] invalid = badReason ? new byte[]{(byte) 0xC3, (byte) 0x28} : new byte[0];
        int length = 2 + text.length + invalid.length; // at most 2 + 123 + 2: one length byte
        ByteBuffer frame = ByteBuffer.allocate(2 + length);
        frame.put((byte) 0x88).put((byte) length).putShort((short) code).put(text).put(invalid).flip();
        return frame;
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
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

    /** {@code ping=S}: a ping every S; a ping still unanswered when the next is due closes the session 1001. */
    private void startPings() {
        if (options.ping() == null) {
            return;
        }
        long period = options.ping().toNanos();
        pingTask = context.scheduler().scheduleAtFixedRate(() -> {
            long sent = pingsSent.get();
            if (sent > pongedPing.get()) {
                cancel(pingTask);
                outbox.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY,
                        "no pong within " + options.ping().toMillis() + " ms"));
                return;
            }
            long seq = pingsSent.incrementAndGet();
            outbox.offer(new Outgoing.Ping(StandardCharsets.UTF_8.encode(PING_PREFIX + seq)));
        }, period, period, TimeUnit.NANOSECONDS);
    }
}
