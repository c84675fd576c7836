package dev.livegrid.standalone;

import dev.livegrid.guard.Handshake;
import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.guard.HandshakeRules;
import dev.livegrid.guard.Refusal;
import dev.livegrid.metrics.Meters;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.memory.Buffers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks every request that asks for a WebSocket against LiveGrid's {@link HandshakeCheck}s, and that
 * nothing follows it before the answer, before Tyrus sees it; answers a refused one with its HTTP
 * status and a plain-text reason, then closes the connection. A plain GET of an endpoint gets what
 * its handshake would ({@link HandshakeRules}).
 */
final class HandshakeFilter extends BaseFilter {

    private static final String CHECKED = HandshakeFilter.class.getName() + ".checked";
    /**
     * Bytes behind the request in the same read: the codec hands them over as the request's content,
     * Tyrus drops them, and the frame guard only starts with the 101, so they would escape inspection
     * and a frame cut there would misalign it. RFC 6455 §4.1 has the client wait for the answer.
     */
    private static final Refusal EARLY_DATA = Refusal.of(400,
            "Data was sent before the handshake's answer; send frames only after the 101 (RFC 6455 §4.1).");

    private final HandshakeRules rules;
    private final Meters meters;

    HandshakeFilter(List<HandshakeCheck> checks, Meters meters) {
        this.rules = new HandshakeRules(checks);
        this.meters = meters;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        HttpContent content = ctx.getMessage();
        if (!(content.getHttpHeader() instanceof HttpRequestPacket request) || request.getAttribute(CHECKED) != null) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(CHECKED, Boolean.TRUE);
        Handshake handshake = handshakeOf(request);
        Optional<Refusal> refusal = rules.answer(handshake).or(() -> handshake.asksForWebSocket()
                && content.getContent().hasRemaining() ? Optional.of(EARLY_DATA) : Optional.empty());
        if (refusal.isEmpty()) {
            return ctx.getInvokeAction();
        }
        refuse(ctx, request, refusal.get(), meters);
        return ctx.getStopAction();
    }

    static void refuse(FilterChainContext ctx, HttpRequestPacket request, Refusal refusal, Meters meters) {
        meters.handshakeRefused(refusal.status());
        HttpResponsePacket response = request.getResponse();
        response.setStatus(refusal.status());
        response.setReasonPhrase(refusal.reasonPhrase());
        refusal.headers().forEach(response::setHeader);
        response.setHeader("Connection", "close");
        // Set as a plain header: the codec does not write the packet's content-type field.
        response.getHeaders().setValue(Header.ContentType).setString("text/plain;charset=utf-8");
        byte[] body = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        Buffer buffer = Buffers.wrap(ctx.getMemoryManager(), body);
        Connection<?> connection = ctx.getConnection();
        ctx.write(HttpContent.builder(response).content(buffer).last(true).build(),
                new CloseAfterWrite(connection));
    }

    static Handshake handshakeOf(HttpRequestPacket request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        MimeHeaders mime = request.getHeaders();
        for (String name : mime.names()) {
            List<String> values = new ArrayList<>();
            mime.values(name).forEach(values::add);
            headers.put(name, values);
        }
        return new Handshake(request.getMethod().getMethodString(), request.getProtocol().getProtocolString(),
                request.getRequestURI(), request.getQueryString(), headers);
    }
}
