package dev.livegrid.war;

import dev.livegrid.http.ApiRequest;
import dev.livegrid.http.ApiResponse;
import dev.livegrid.http.OperatorEndpoints;
import dev.livegrid.http.SheetApi;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Enumeration;
import java.util.Optional;

/**
 * Serves the HTTP API ({@link SheetApi}) inside a servlet container, under the context root. Only
 * translates: every status, header and body comes from {@link SheetApi}, exactly as standalone.
 */
final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient SheetApi api;
    private final transient OperatorEndpoints operators;
    private final boolean containerLogin;

    /** @param containerLogin whether the server must authenticate callers first ({@code auth=container}) */
    ApiServlet(SheetApi api, OperatorEndpoints operators, boolean containerLogin) {
        this.api = api;
        this.operators = operators;
        this.containerLogin = containerLogin;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The API's paths are relative to the application and not decoded, as the request URI is.
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (operators.handles(path)) {
            if (containerLogin && operators.needsCaller(path, name -> header(request, name)) && !ServletUser.signIn(request, response)) {
                return; // the server answered with its challenge (401)
            }
            write(operators.answer(request.getMethod(), path, name -> header(request, name), ServletUser.of(request)),
                    request.getMethod().equals("HEAD"), response);
            return;
        }
        if (containerLogin && api.isApiPath(path) && !ServletUser.signIn(request, response)) {
            return; // the server answered with its challenge (401)
        }
        Optional<ApiResponse> answer = api.handle(request.getMethod(), path, request.getQueryString(),
                name -> header(request, name), request.getInputStream(), request.getContentLengthLong(),
                request.getRemoteAddr(), ServletUser.of(request));
        write(answer.orElseGet(() -> ApiResponse.error(404, "not-found", "no API resource at " + path)),
                request.getMethod().equals("HEAD"), response);
    }

    private static String header(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        return values == null ? null : ApiRequest.Headers.joined(values.asIterator());
    }

    /** Writes the answer; to a HEAD its headers only, Content-Length included, as HttpServlet's own doHead does. */
    private static void write(ApiResponse answer, boolean head, HttpServletResponse response) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        byte[] body = answer.bodyBytes();
        if (body == null) {
            return;
        }
        response.setContentType(answer.contentType());
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }
}
