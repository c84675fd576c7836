package dev.livegrid.standalone;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.Buffers;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The faults {@code /echo} injects below the WebSocket API when a client asks for them (see
 * {@link GrizzlyRawConnection}): a read held back for a while — Grizzly reads nothing more from a
 * connection whose read is suspended, so what the client sends waits in TCP — and the WebSocket
 * layer's pongs written as nothing. Sits right after the frame guard; a connection that asked for
 * neither only costs an attribute lookup per read and per write.
 */
final class ConnectionFaultsFilter extends BaseFilter {

    private static final byte PONG_FRAME_START = (byte) 0x8A;

    /** System.nanoTime until which the connection's next read waits. */
    static final Attribute<Long> STALLED_UNTIL =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionFaultsFilter.class.getName() + ".stalled-until");
    static final Attribute<Boolean> PONGS_DROPPED =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionFaultsFilter.class.getName() + ".pongs-dropped");

    private final ScheduledExecutorService scheduler;

    ConnectionFaultsFilter(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        Connection<?> connection = ctx.getConnection();
        Long until = STALLED_UNTIL.get(connection);
        if (until == null) {
            return ctx.getInvokeAction();
        }
        STALLED_UNTIL.remove(connection);
        long wait = until - System.nanoTime();
        if (wait <= 0) {
            return ctx.getInvokeAction();
        }
        // Resuming runs this filter again with the same bytes; the stall is over by then.
        Runnable resume = ctx.suspend();
        try {
            scheduler.schedule(resume, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            resume.run(); // the server is stopping
        }
        return ctx.getSuspendAction();
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        // Tyrus writes every frame as one buffer: one starting 0x8A is a pong.
        if (ctx.getMessage() instanceof Buffer out && out.hasRemaining() && out.get(out.position()) == PONG_FRAME_START
                && Boolean.TRUE.equals(PONGS_DROPPED.get(ctx.getConnection()))) {
            ctx.setMessage(Buffers.EMPTY_BUFFER); // written as nothing: the writer still completes
        }
        return ctx.getInvokeAction();
    }
}
