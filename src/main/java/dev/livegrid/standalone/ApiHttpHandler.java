package dev.livegrid.standalone;

import dev.livegrid.http.ApiRequest;
import dev.livegrid.http.ApiResponse;
import dev.livegrid.http.OperatorEndpoints;
import dev.livegrid.http.SecurityHeaders;
import dev.livegrid.http.SheetApi;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.io.IOException;
import java.util.Optional;

/**
 * Serves the HTTP API ({@link SheetApi}) on Grizzly and hands every other request to the static
 * handler of {@code webapp/}, unless its path cannot be decoded or leaves the site ({@link StaticPath}).
 * Only translates: all of the API's behaviour is in {@link SheetApi}. Every answer, the API's and the
 * files', errors included, gets the {@link SecurityHeaders}.
 * <p>
 * Grizzly's HTTP codec treats the body of any request with an {@code Upgrade} header as a raw stream
 * that never ends, even when the upgrade is not taken (the JDK's {@code HttpClient} asks for
 * {@code Upgrade: h2c} by default). So the body is read by its {@code Content-Length} and never to
 * the end of the stream; a chunked body on such a request cannot be delimited and gets 411. The codec
 * also leaves {@code Content-Type} out of the responses to such requests, unless told that the request
 * is plain HTTP after all, which it is once its body has been read.
 */
final class ApiHttpHandler extends HttpHandler {

    private final SheetApi api;
    private final OperatorEndpoints operators;
    private final SecurityHeaders securityHeaders;
    private final HttpHandler others;

    ApiHttpHandler(SheetApi api, OperatorEndpoints operators, SecurityHeaders securityHeaders, HttpHandler others) {
        this.api = api;
        this.operators = operators;
        this.securityHeaders = securityHeaders;
        this.others = others;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        // The context path is "" standalone, so the request URI (raw, without the query) is the API path.
        String path = request.getRequestURI();
        HttpRequestPacket packet = request.getRequest();
        securityHeaders.forHost(request.getHeader("Host")).forEach(response::setHeader);
        Optional<ApiResponse> answer;
        if (operators.handles(path)) {
            answer = Optional.of(operators.answer(request.getMethod().getMethodString(), path, name -> header(request, name), null));
        } else if (packet.isUpgrade() && packet.isChunked() && api.isApiPath(path)) {
            answer = Optional.of(ApiResponse.error(411, "length-required", "a request with an Upgrade header needs"
                    + " a Content-Length; send the body whole, or use HTTP/1.1 without Upgrade"));
        } else {
            // HTTP/1.1: without Content-Length or chunked coding a request has no body.
            long length = packet.isChunked() ? -1 : Math.max(0, request.getContentLengthLong());
            answer = api.handle(request.getMethod().getMethodString(), path, request.getQueryString(),
                    name -> header(request, name), request.getInputStream(), length, request.getRemoteAddr());
        }
        if (packet.isUpgrade()) {
            // The upgrade is not taken: without this the codec leaves Content-Type and Date out of the response.
            packet.setIgnoreContentModifiers(false);
        }
        if (answer.isEmpty()) {
            if (StaticPath.isServable(request)) {
                others.service(request, response);
            } else {
                PlainErrorPage.send(response, 400, "400 Bad Request: the path is malformed or leads outside the site");
            }
        } else {
            write(answer.get(), response);
        }
    }

    @Override
    public void start() {
        others.start();
    }

    @Override
    public void destroy() {
        others.destroy();
    }

    private static String header(Request request, String name) {
        return ApiRequest.Headers.joined(request.getHeaders(name).iterator());
    }

    /** Writes the answer; to a HEAD too, since Grizzly's codec sends a HEAD answer's headers without its body. */
    private static void write(ApiResponse answer, Response response) throws IOException {
        if (answer.status() == 429) {
            response.setStatus(429, "Too Many Requests"); // Grizzly knows no phrase for 429 and would send "CUSTOM"
        } else {
            response.setStatus(answer.status());
        }
        answer.headers().forEach(response::setHeader);
        byte[] body = answer.bodyBytes();
        if (body == null) {
            return;
        }
        response.setContentType(answer.contentType());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
