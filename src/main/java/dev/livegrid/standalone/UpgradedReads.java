package dev.livegrid.standalone;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

/**
 * Takes the bytes of upgraded WebSocket connections straight to Tyrus, past the HTTP codec, and lets
 * the codec forget the handshake request.
 * <p>
 * Grizzly's HTTP codec keeps an upgraded connection's handshake request for the life of the
 * connection — every header, the URI and the buffer they were parsed from, about 9 KiB — and passes
 * every later read through its parsing as "content" of that request, only for Tyrus to take the bytes
 * out again. Tyrus needs neither: it copied what it keeps of the request at the handshake, and after
 * it reads only the bytes. So once a handshake has been answered 101 ({@link #upgraded}), this filter,
 * placed in front of the codec, hands each read to Tyrus's filter directly (wrapped as the content
 * Tyrus expects, under one shared stand-in header), and the codec's reference to the request is
 * dropped. What an idle WebSocket costs falls by about half, and each read skips the codec.
 * The frame guard, before this filter, still sees every byte.
 */
final class UpgradedReads extends BaseFilter {

    private static final Attribute<Boolean> UPGRADED =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(UpgradedReads.class.getName() + ".upgraded");
    /** What Tyrus's filter sees as the header of an upgraded connection's bytes (it only logs it). */
    private static final HttpRequestPacket STAND_IN = HttpRequestPacket.builder()
            .method("GET").uri("/").protocol("HTTP/1.1").upgrade("websocket").build();

    private volatile int tyrusIndex = -1;

    /**
     * Called once the handshake read of {@code connection} is done: if it was answered 101, later reads
     * go straight to Tyrus and the codec lets go of the request.
     */
    static void upgraded(Connection<?> connection, HttpRequestPacket request) {
        // A request answered before Grizzly made its response (a refused or unrouted handshake) has none.
        if (request.getResponse() == null || request.getResponse().getStatus() != 101 || !connection.isOpen()) {
            return;
        }
        UPGRADED.set(connection, Boolean.TRUE);
        connection.getAttributes().removeAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        if (!UPGRADED.isSet(ctx.getConnection())) {
            return ctx.getInvokeAction();
        }
        Buffer bytes = ctx.getMessage();
        ctx.setMessage(HttpContent.builder(STAND_IN).content(bytes).build());
        ctx.setFilterIdx(tyrusIndex(ctx.getFilterChain()) - 1); // the next filter invoked is Tyrus's
        return ctx.getInvokeAction();
    }

    private int tyrusIndex(FilterChain chain) {
        int index = tyrusIndex;
        if (index < 0) {
            index = chain.indexOfType(GrizzlyServerFilter.class);
            if (index < 0) {
                throw new IllegalStateException("Tyrus's filter is not in the chain");
            }
            tyrusIndex = index;
        }
        return index;
    }
}
