package dev.livegrid.standalone;

import dev.livegrid.session.FrameChannel;
import jakarta.websocket.Session;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;

import java.util.function.Function;

/**
 * Tells the endpoints which Grizzly connection the session they are opening runs on, so that its
 * outbox can write frames to it ({@link GrizzlyFrameChannel}). Sits right before Tyrus's filter: Tyrus
 * upgrades the request, writes the 101 and calls the endpoint's {@code @OnOpen} on this thread,
 * inside its {@code handleRead}; the connection is published to this thread for that call and
 * forgotten when the chain is done with the request. An endpoint opened any other way gets no channel
 * and sends through Tyrus.
 */
final class UpgradingConnection extends BaseFilter implements Function<Session, FrameChannel> {

    private static final ThreadLocal<Connection<?>> CURRENT = new ThreadLocal<>();
    private static final String PUBLISHED = UpgradingConnection.class.getName() + ".published";

    private final FrameGuardFilter guard;
    private final java.util.concurrent.atomic.AtomicInteger given = new java.util.concurrent.atomic.AtomicInteger();

    UpgradingConnection(FrameGuardFilter guard) {
        this.guard = guard;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        // Every later read of an upgraded connection passes here too, as content of the same request:
        // only its first pass (the handshake) publishes the connection.
        if (ctx.getMessage() instanceof HttpContent content && content.getHttpHeader() instanceof HttpRequestPacket request
                && request.isUpgrade() && request.getAttribute(PUBLISHED) == null) {
            request.setAttribute(PUBLISHED, Boolean.TRUE);
            Connection<?> connection = ctx.getConnection();
            CURRENT.set(connection);
            ctx.addCompletionListener(done -> {
                CURRENT.remove();
                UpgradedReads.upgraded(connection, request);
            });
        }
        return ctx.getInvokeAction();
    }

    /**
     * The channel of the connection being upgraded on this thread, once (null otherwise). Its session
     * also stops Tyrus's idle timer: with no idle timeout (LiveGrid's heartbeat finds dead peers)
     * Tyrus still schedules a no-op timer task on every message sent and received, waking its timer
     * thread each time; a negative timeout, which means the same, schedules none.
     */
    @Override
    public FrameChannel apply(Session session) {
        Connection<?> connection = CURRENT.get();
        if (connection == null) {
            return null;
        }
        CURRENT.remove();
        if (session.getMaxIdleTimeout() == 0) {
            session.setMaxIdleTimeout(-1);
        }
        given.incrementAndGet();
        return new GrizzlyFrameChannel(connection, guard, session);
    }

    /** How many channels were handed to sessions. */
    int channelsGiven() {
        return given.get();
    }
}
