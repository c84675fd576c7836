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
 */
final class FrameGuardFilter extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(FrameGuardFilter.class.getName());
    private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte CLOSE_FRAME_START = (byte) 0x88;

    private final Attribute<FrameInspector> inspectorOf =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameGuardFilter.class.getName() + ".inspector");
    private final Attribute<Boolean> failedOf =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameGuardFilter.class.getName() + ".failed");
    private final long maxMessageSize;
    private final ScheduledExecutorService scheduler;
    private final Duration closeGrace;

    FrameGuardFilter(long maxMessageSize, ScheduledExecutorService scheduler, Duration closeGrace) {
        this.maxMessageSize = maxMessageSize;
        this.scheduler = scheduler;
        this.closeGrace = closeGrace;
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
        FrameInspector.Violation violation = inspect(inspector, ctx.getMessage());
        if (violation == null) {
            return ctx.getInvokeAction();
        }
        fail(ctx, violation);
        return ctx.getStopAction();
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
                terminateLater(connection);
            }
        }
        return ctx.getInvokeAction();
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
