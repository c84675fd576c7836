package dev.livegrid.standalone;

import dev.livegrid.guard.ClientAddress;
import dev.livegrid.guard.ConnectionLimits;
import dev.livegrid.metrics.Meters;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.ICloseType;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;

import java.net.InetSocketAddress;

/**
 * Counts WebSockets against {@link ConnectionLimits}, just in front of Tyrus: a handshake that passed
 * every check takes a slot or is refused (503 or 429, with {@code Retry-After}, as {@link HandshakeFilter}
 * refuses), before anything is upgraded. The slot is held from then until the connection closes —
 * whoever closes it and however: a close handshake, the heartbeat, the frame guard, a reset, the server
 * stopping all end in Grizzly's close listeners. If the server answers the handshake with anything but
 * {@code 101} (no such endpoint, say) the slot is given back at once.
 */
final class ConnectionLimitFilter extends BaseFilter {

    private static final String SEEN = ConnectionLimitFilter.class.getName() + ".seen";

    private final Attribute<Held> pending =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionLimitFilter.class.getName() + ".pending");
    private final ConnectionLimits limits;
    private final Meters meters;

    ConnectionLimitFilter(ConnectionLimits limits, Meters meters) {
        this.limits = limits;
        this.meters = meters;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        HttpContent content = ctx.getMessage();
        if (!(content.getHttpHeader() instanceof HttpRequestPacket request) || request.getAttribute(SEEN) != null) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(SEEN, Boolean.TRUE);
        boolean mayAsk = request.getHeader("Upgrade") != null || request.getHeader("Sec-WebSocket-Key") != null;
        if (!mayAsk || !HandshakeFilter.handshakeOf(request).asksForWebSocket()) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        ConnectionLimits.Admission admission = limits.admit(clientOf(connection));
        if (admission instanceof ConnectionLimits.Admission.Refused refused) {
            HandshakeFilter.refuse(ctx, request, refused.refusal(), meters);
            return ctx.getStopAction();
        }
        Held held = new Held(((ConnectionLimits.Admission.Admitted) admission).slot());
        pending.set(connection, held);
        connection.addCloseListener(held); // called at once if the connection is already closed
        return ctx.getInvokeAction();
    }

    /** The answer to a counted handshake: a 101 keeps the slot until the close, anything final gives it back. */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        int status = ResponseStatus.of(ctx.getMessage());
        if (status == 101 || status >= 200) {
            Connection<?> connection = ctx.getConnection();
            Held held = pending.remove(connection);
            if (held != null && status != 101) {
                connection.removeCloseListener(held);
                held.slot.close();
            }
        }
        return ctx.getInvokeAction();
    }

    private static String clientOf(Connection<?> connection) {
        return connection.getPeerAddress() instanceof InetSocketAddress peer
                ? ClientAddress.of(peer.getAddress())
                : ClientAddress.UNKNOWN;
    }

    /** A slot, closed with its connection. */
    private static final class Held implements CloseListener<Closeable, ICloseType> {

        private final ConnectionLimits.Slot slot;

        Held(ConnectionLimits.Slot slot) {
            this.slot = slot;
        }

        @Override
        public void onClosed(Closeable closeable, ICloseType type) {
            slot.close();
        }
    }
}
