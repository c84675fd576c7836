package dev.livegrid.chaos;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * HTTP calls to the server under test, each with a deadline: a request not answered in time is a
 * broken promise (P6), a 500 is a server bug (P5). HTTP/1.1 only: the JDK's default asks for an
 * {@code h2c} upgrade, which Grizzly would take for a WebSocket upgrade.
 */
final class ChaosHttp {

    /** Longer than the API's own 10 s wait for a sheet, so that its 503 comes first. */
    static final Duration DEADLINE = Duration.ofSeconds(15);

    /** An answer: status, body, ETag (null if none). */
    record Answer(int status, String body, String etag) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Supplier<URI> base;
    private final Violations violations;

    ChaosHttp(Supplier<URI> base, Violations violations) {
        this.base = base;
        this.violations = violations;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.get().resolve(path)).GET(), "GET " + path);
    }

    Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(base.get().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "POST " + path + " " + Ledger.abbreviate(body));
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(base.get().resolve(path)).DELETE(), "DELETE " + path);
    }

    /** The answer, or null when there was none in time (reported). */
    private Answer send(HttpRequest.Builder request, String what) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
            Answer answer = new Answer(response.statusCode(), response.body(), response.headers().firstValue("ETag").orElse(null));
            if (answer.status() == 500) {
                violations.add(Promise.P5_NO_THREAD_DIES, what + " answered 500: " + answer.body());
            }
            return answer;
        } catch (HttpTimeoutException e) {
            violations.add(Promise.P6_ANSWERED, what + " got no answer within " + DEADLINE);
        } catch (java.io.IOException e) {
            violations.add(Promise.P6_ANSWERED, what + " failed after " + (System.nanoTime() - start) / 1_000_000
                    + " ms: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
