package dev.livegrid.standalone;

import dev.livegrid.http.ApiResponse;
import dev.livegrid.http.SheetApi;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;

/**
 * Serves the HTTP API ({@link SheetApi}) on Grizzly and hands every other request to the static
 * handler of {@code webapp/}. Only translates: all of the API's behaviour is in {@link SheetApi}.
 */
final class ApiHttpHandler extends HttpHandler {

    private final SheetApi api;
    private final HttpHandler others;

    ApiHttpHandler(SheetApi api, HttpHandler others) {
        this.api = api;
        this.others = others;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        // The context path is "" standalone, so the request URI (raw, without the query) is the API path.
        Optional<ApiResponse> answer = api.handle(request.getMethod().getMethodString(), request.getRequestURI(),
                name -> header(request, name), request.getInputStream(), request.getContentLengthLong());
        if (answer.isEmpty()) {
            others.service(request, response);
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
        Iterator<String> values = request.getHeaders(name).iterator();
        if (!values.hasNext()) {
            return null;
        }
        StringBuilder joined = new StringBuilder(values.next());
        values.forEachRemaining(v -> joined.append(',').append(v));
        return joined.toString();
    }

    private static void write(ApiResponse answer, Response response) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        if (answer.body() == null) {
            return;
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setContentType(answer.contentType());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
