package dev.livegrid.standalone;

import dev.livegrid.guard.FrameInspector;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.ByteBufferArray;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Inspects the raw client frames of every upgraded connection ({@link FrameInspector}) and fails the
 * connection on the first violation: a close frame with the violation's code (1002, 1007, 1009),
 * then TCP close. The offending bytes never reach Tyrus.
 * <p>
 * The connection counts as upgraded once this filter has seen the server write its
 * {@code 101 Switching Protocols}: a client must wait for that answer before sending frames
 * (RFC 6455 §4.1), so every frame it sends is inspected.
 */
final class FrameGuardFilter extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(FrameGuardFilter.class.getName());
    private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101 ".getBytes(StandardCharsets.US_ASCII);

    private final Attribute<FrameInspector> inspectorOf =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameGuardFilter.class.getName() + ".inspector");
    private final long maxMessageSize;

    FrameGuardFilter(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        FrameInspector inspector = inspectorOf.get(ctx.getConnection());
        if (inspector == null) {
            return ctx.getInvokeAction();
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
        if (inspectorOf.get(connection) == null && ctx.getMessage() instanceof Buffer out && startsWith101(out)) {
            inspectorOf.set(connection, new FrameInspector(maxMessageSize));
        }
        return ctx.getInvokeAction();
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

    private static void fail(FilterChainContext ctx, FrameInspector.Violation violation) {
        Connection<?> connection = ctx.getConnection();
        LOG.fine(() -> "failing WebSocket " + connection.getPeerAddress() + ": " + violation);
        byte[] reason = violation.reason().getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + reason.length);
        frame.put((byte) 0x88).put((byte) (2 + reason.length)).putShort((short) violation.closeCode()).put(reason).flip();
        ctx.write(Buffers.wrap(ctx.getMemoryManager(), frame), new CloseAfterWrite(connection));
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
