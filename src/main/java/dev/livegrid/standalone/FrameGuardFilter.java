package dev.livegrid.standalone;

import dev.livegrid.guard.FrameInspector;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.ByteBufferArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Inspects the raw client frames of every upgraded connection ({@link FrameInspector}) and fails the
 * connection on the first violation: a close frame with the violation's code (1002, 1007, 1009),
 * then TCP close. The offending bytes never reach Tyrus.
 * <p>
 * The connection counts as upgraded once this filter has seen the server write its
 * {@code 101 Switching Protocols}: a client must wait for that answer before sending frames
 * (RFC 6455 §4.1), so every frame it sends is inspected.
 * <p>
 * Tyrus never sees the offending bytes, so it goes on sending (updates, echoes) until the connection
 * is gone. Nothing may follow a close frame (RFC 6455 §5.5.1): once the guard has failed a
 * connection, later reads and writes are dropped (the senders told their write failed), and the
 * connection is terminated as soon as its close frame is out, dropping whatever got queued behind it
 * meanwhile.
 * <p>
 * It also ends connections whose close cannot complete. Grizzly closes gracefully: it first writes
 * everything still queued, so a peer that stopped reading (the slow consumer closed with 1013, the
 * silent peer closed by the heartbeat) would keep its socket and queued bytes for good. Once the
 * server has written a close frame on an upgraded connection, or failed it here, the connection
 * is terminated if it is still open {@code closeGrace} later.
 * <p>
 * And it hands Tyrus the bytes of an upgraded connection in pieces of at most {@link #maxPiece(long)}.
 * A Grizzly read is not bounded by the connection's read buffer size: a worker thread reads into
 * its cached direct buffer whole, and that buffer is as large as the largest read or write the
 * thread ever did (echoing a message of a few MiB leaves it that large). Tyrus appends each piece
 * to the incomplete frame it holds and answers 1011 "Buffer overflow." when the sum exceeds its
 * incoming buffer, so pipelined messages arriving in one large read would cut a legal client off.
 * With pieces, the buffer Tyrus needs is bounded: {@link #tyrusBufferSize(long)}.
 */
final class FrameGuardFilter extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(FrameGuardFilter.class.getName());
    private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte CLOSE_FRAME_START = (byte) 0x88;
    /** The smallest limit on a piece: Grizzly's usual read. */
    private static final int MIN_PIECE = 64 * 1024;
    /** A piece may be this fraction of the maximum message size, so that Tyrus copies a large message's frame few times. */
    private static final int PIECES_PER_MESSAGE = 16;
    /** The longest client frame header: two bytes, a 64-bit length and the mask key. */
    private static final int MAX_FRAME_HEADER = 14;

    private final Attribute<FrameInspector> inspectorOf =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameGuardFilter.class.getName() + ".inspector");
    private final Attribute<Boolean> failedOf =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameGuardFilter.class.getName() + ".failed");
    private final Attribute<Boolean> closeWrittenOf =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameGuardFilter.class.getName() + ".close-written");
    private final long maxMessageSize;
    private final int maxPiece;
    private final ScheduledExecutorService scheduler;
    private final Duration closeGrace;

    FrameGuardFilter(long maxMessageSize, ScheduledExecutorService scheduler, Duration closeGrace) {
        this.maxMessageSize = maxMessageSize;
        this.maxPiece = maxPiece(maxMessageSize);
        this.scheduler = scheduler;
        this.closeGrace = closeGrace;
    }

    /**
     * The incoming buffer Tyrus needs behind this filter: what is left of the frame it is reading (less
     * than the longest header plus a whole message, as this filter fails longer frames) plus one piece.
     */
    static int tyrusBufferSize(long maxMessageSize) {
        return Math.toIntExact(maxMessageSize + MAX_FRAME_HEADER + maxPiece(maxMessageSize));
    }

    /**
     * The most bytes of one read handed to Tyrus at once: 64 KiB, or 1/16 of the maximum message size
     * when that is more. Tyrus grows its buffer to the exact size each piece needs, copying what it
     * holds every time, so the first bytes of a frame arriving in n pieces are copied n times; larger
     * pieces from large reads keep n small.
     */
    static int maxPiece(long maxMessageSize) {
        return (int) Math.max(MIN_PIECE, maxMessageSize / PIECES_PER_MESSAGE);
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        FrameInspector inspector = inspectorOf.get(ctx.getConnection());
        if (inspector == null) {
            return ctx.getInvokeAction();
        }
        if (failedOf.isSet(ctx.getConnection())) {
            return ctx.getStopAction(); // bytes read after the violation: its close frame is already written
        }
        Buffer piece = ctx.getMessage();
        Buffer rest = piece.remaining() > maxPiece ? piece.split(piece.position() + maxPiece) : null;
        FrameInspector.Violation violation = inspect(inspector, piece);
        if (violation != null) {
            fail(ctx, violation);
            return ctx.getStopAction();
        }
        // Grizzly runs the chain again with the rest (through this filter) before it reads again.
        return rest == null ? ctx.getInvokeAction() : ctx.getInvokeAction(rest);
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        Connection<?> connection = ctx.getConnection();
        if (failedOf.isSet(connection)) {
            CompletionHandler<?> sender = ctx.getTransportContext().getCompletionHandler();
            if (sender != null) {
                sender.failed(new IOException("the connection was failed for a protocol violation"));
            }
            return ctx.getStopAction();
        }
        if (ctx.getMessage() instanceof Buffer out && out.hasRemaining()) {
            if (inspectorOf.get(connection) == null) {
                if (startsWith101(out)) {
                    inspectorOf.set(connection, new FrameInspector(maxMessageSize));
                }
            } else if (out.get(out.position()) == CLOSE_FRAME_START) {
                // Tyrus writes every frame as one buffer, so a buffer starting 0x88 is a close frame.
                closeWrittenOf.set(connection, Boolean.TRUE);
                terminateLater(connection);
            }
        }
        return ctx.getInvokeAction();
    }

    /**
     * Whether frames may still be written to the connection past the chain: not once this filter has
     * failed it, nor once a close frame (Tyrus's: its reply to a client's close, say) went down the
     * chain — nothing may follow a close frame (RFC 6455 §5.5.1).
     */
    boolean writable(Connection<?> connection) {
        return !failedOf.isSet(connection) && !closeWrittenOf.isSet(connection);
    }

    private void terminateLater(Connection<?> connection) {
        try {
            scheduler.schedule(() -> {
                if (connection.isOpen()) {
                    LOG.fine(() -> "terminating " + connection.getPeerAddress() + ": its close did not complete");
                    connection.terminateSilently();
                }
            }, closeGrace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            connection.terminateSilently(); // the server is stopping
        }
    }

    private static FrameInspector.Violation inspect(FrameInspector inspector, Buffer buffer) {
        ByteBufferArray parts = buffer.toByteBufferArray();
        try {
            ByteBuffer[] array = parts.getArray();
            for (int i = 0; i < parts.size(); i++) {
                FrameInspector.Violation violation = inspector.inspect(array[i]);
                if (violation != null) {
                    return violation;
                }
            }
            return null;
        } finally {
            parts.restore();
            parts.recycle();
        }
    }

    private void fail(FilterChainContext ctx, FrameInspector.Violation violation) {
        Connection<?> connection = ctx.getConnection();
        LOG.fine(() -> "failing WebSocket " + connection.getPeerAddress() + ": " + violation);
        byte[] reason = violation.reason().getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + reason.length);
        frame.put((byte) 0x88).put((byte) (2 + reason.length)).putShort((short) violation.closeCode()).put(reason).flip();
        failedOf.set(connection, Boolean.TRUE); // this write starts below this filter: only later ones are dropped
        ctx.write(Buffers.wrap(ctx.getMemoryManager(), frame), new EmptyCompletionHandler<>() {
            @Override
            public void completed(WriteResult result) {
                connection.terminateSilently(); // not a graceful close: that would send what is queued behind
            }

            @Override
            public void failed(Throwable error) {
                connection.terminateSilently();
            }
        });
        terminateLater(connection);
    }

    private static boolean startsWith101(Buffer out) {
        if (out.remaining() < SWITCHING_PROTOCOLS.length) {
            return false;
        }
        int start = out.position();
        for (int i = 0; i < SWITCHING_PROTOCOLS.length; i++) {
            if (out.get(start + i) != SWITCHING_PROTOCOLS[i]) {
                return false;
            }
        }
        return true;
    }
}
