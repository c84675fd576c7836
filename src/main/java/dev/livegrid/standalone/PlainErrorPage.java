package dev.livegrid.standalone;

import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The body of every error Grizzly answers by itself (a missing file, a failed handler): one line of
 * plain text, {@code 404 Not Found}. Grizzly's own page is HTML with the exception's stack trace, which
 * tells a client about the server's internals; the log keeps the details.
 */
final class PlainErrorPage implements ErrorPageGenerator {

    static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        if (request != null) {
            // Grizzly labels the page text/html unless the response already has a type.
            request.getResponse().setContentType(CONTENT_TYPE);
        }
        return status + " " + reasonPhrase + "\n";
    }

    /** Answers with this status and one line of text, as the error pages look. */
    static void send(Response response, int status, String line) throws IOException {
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
