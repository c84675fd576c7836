package dev.livegrid.deploy;

import dev.livegrid.support.SheetOps;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sends the same HTTP API requests, in the same order, to a standalone server and to a deployed
 * WAR, and requires the same answers: status, body byte for byte, media type (servers may respell
 * its parameters), the API's own headers and the response headers every answer carries. Both start
 * with the sheet just created and empty, so versions and ids line up; answers that carry times or
 * random ids are left out, and each sheet's incarnation (random per server) is compared as a placeholder.
 */
final class HttpParity {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final List<String> API_HEADERS = List.of("ETag", "Cache-Control", "Allow",
            "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy");
    /** A sheet's incarnation, in a body or an ETag: random per server, so compared as {@code K}. */
    private static final java.util.regex.Pattern INCARNATION =
            java.util.regex.Pattern.compile("(\"incarnation\":\"|^\")[0-9a-z]+(\"|\\.)");
    /** In a request header: the sheet's current ETag on the server the request goes to. */
    private static final String CURRENT_TAG = "{etag}";

    /** One request: method, path below the application root, headers, body (null for none). */
    record Exchange(String what, String method, String path, Map<String, String> headers, String body) {
    }

    private HttpParity() {
    }

    /** The requests, for a sheet that exists and is empty on both servers. */
    static List<Exchange> exchanges(String sheet) {
        String ops = "api/sheets/" + sheet + "/ops";
        List<Exchange> list = new ArrayList<>();
        list.add(get("empty sheet", "api/sheets/" + sheet));
        list.add(post("add a column", ops, SheetOps.addColumn("p1", "name", null)));
        list.add(post("insert a row", ops, SheetOps.insertRow("p2", null, Map.of("c1", "a \"quoted\", value"))));
        list.add(post("compare-and-set edit", ops, SheetOps.edit("p3", "r2", "c1", "世界", 2L)));
        list.add(post("the same op again (de-duplicated)", ops, SheetOps.edit("p3", "r2", "c1", "世界", 2L)));
        list.add(post("stale base", ops, SheetOps.edit("p4", "r2", "c1", "late", 2L)));
        list.add(post("no such row", ops, SheetOps.edit("p5", "r99", "c1", "x", null)));
        list.add(post("a batch adding a filled column", ops, SheetOps.batch("p8", SheetOps.addColumn("x", "age", "c1"),
                SheetOps.edit("x", "r2", "$0", "18", 0L))));
        list.add(post("a batch with a stale base", ops, SheetOps.batch("p9", SheetOps.edit("x", "r2", "c1", "a", 0L))));
        String csv = "name,city\r\n\"Hong, Jr.\",Beijing\r\n";
        list.add(new Exchange("import into a new sheet", "POST", "api/sheets/" + sheet + "-imported/import",
                Map.of("Content-Type", "text/csv", "Idempotency-Key", "import-p10"), csv));
        list.add(new Exchange("import resent", "POST", "api/sheets/" + sheet + "-imported/import",
                Map.of("Content-Type", "text/csv", "Idempotency-Key", "import-p10"), csv));
        list.add(new Exchange("import into a sheet with content", "POST", "api/sheets/" + sheet + "/import",
                Map.of("Content-Type", "text/csv"), csv));
        list.add(new Exchange("import of a bad file", "POST", "api/sheets/" + sheet + "-bad/import",
                Map.of("Content-Type", "text/csv"), "a\n\"unclosed\n"));
        list.add(new Exchange("import without text/csv", "POST", "api/sheets/" + sheet + "-bad/import",
                Map.of("Content-Type", "application/json"), csv));
        list.add(get("the imported sheet", "api/sheets/" + sheet + "-imported"));
        list.add(post("malformed JSON", ops, "{\"type\":"));
        list.add(post("unknown type", ops, "{\"type\":\"explode\",\"id\":\"p6\"}"));
        list.add(post("presence over HTTP", ops, "{\"type\":\"focus\",\"row\":\"r2\",\"col\":\"c1\"}"));
        list.add(get("snapshot", "api/sheets/" + sheet));
        list.add(new Exchange("snapshot's headers", "HEAD", "api/sheets/" + sheet, Map.of(), null));
        list.add(new Exchange("unchanged snapshot", "GET", "api/sheets/" + sheet, Map.of("If-None-Match", CURRENT_TAG), null));
        list.add(get("CSV", "api/sheets/" + sheet + ".csv"));
        list.add(get("history without col", "api/sheets/" + sheet + "/history?row=r2"));
        list.add(get("missing sheet", "api/sheets/no-such-sheet-" + sheet));
        list.add(get("unknown API path", "api/nothing"));
        list.add(new Exchange("wrong method", "PUT", "api/sheets/" + sheet, Map.of(), "{}"));
        list.add(new Exchange("foreign origin POST", "POST", ops, Map.of("Origin", "http://evil.example"),
                SheetOps.edit("p7", "r2", "c1", "x", null)));
        list.add(new Exchange("foreign origin DELETE", "DELETE", "api/sheets/" + sheet,
                Map.of("Origin", "http://evil.example"), null));
        list.add(post("body over 1 MiB", ops, "x".repeat(1024 * 1024 + 1)));
        list.add(post("legacy edit past the last row", "input-change", "{\"index\":9,\"forms\":\"name\",\"value\":\"x\"}"));
        list.add(post("legacy edit of an unknown column", "input-change", "{\"index\":0,\"forms\":\"nope\",\"value\":\"x\"}"));
        return list;
    }

    /** Sends every exchange to both and compares the answers one by one. */
    static void assertSameAnswers(URI standalone, URI deployed, List<Exchange> exchanges) throws Exception {
        Set<Integer> statuses = new TreeSet<>();
        for (Exchange exchange : exchanges) {
            HttpResponse<String> expected = send(standalone, exchange);
            HttpResponse<String> actual = send(deployed, exchange);
            String what = exchange.what() + " (" + exchange.method() + " " + exchange.path() + ")";
            assertEquals(expected.statusCode(), actual.statusCode(), what + ": status; body " + actual.body());
            assertEquals(withoutIncarnation(expected.body()), withoutIncarnation(actual.body()), what + ": body");
            assertEquals(mediaType(expected), mediaType(actual), what + ": Content-Type");
            for (String header : API_HEADERS) {
                // The policy names the server's own host and port.
                assertEquals(expected.headers().firstValue(header).map(HttpParity::withoutIncarnation)
                                .map(v -> v.replace(standalone.getRawAuthority(), "{host}")),
                        actual.headers().firstValue(header).map(HttpParity::withoutIncarnation)
                                .map(v -> v.replace(deployed.getRawAuthority(), "{host}")), what + ": " + header);
            }
            statuses.add(expected.statusCode());
        }
        // Guards the comparison itself: equal answers must not be, say, two 404s for a wrong path.
        assertEquals(Set.of(200, 201, 304, 400, 403, 404, 405, 409, 413, 415), statuses, "the statuses the exchanges cover");
    }

    private static HttpResponse<String> send(URI root, Exchange exchange) throws Exception {
        try {
            return sendOnce(root, exchange);
        } catch (java.io.IOException e) {
            throw new AssertionError(exchange.what() + " (" + exchange.method() + " " + exchange.path() + ") to " + root
                    + " got no answer: " + e, e);
        }
    }

    private static HttpResponse<String> sendOnce(URI root, Exchange exchange) throws Exception {
        HttpRequest.BodyPublisher body = exchange.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(exchange.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(exchange.path()))
                .timeout(Duration.ofSeconds(20)).method(exchange.method(), body);
        for (Map.Entry<String, String> header : exchange.headers().entrySet()) {
            request.header(header.getKey(), header.getValue().equals(CURRENT_TAG)
                    ? currentTag(root, exchange.path()) : header.getValue());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String currentTag(URI root, String path) throws Exception {
        HttpResponse<String> current = HTTP.send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(20))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return current.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag on " + path));
    }

    private static String withoutIncarnation(String text) {
        return text == null ? null : INCARNATION.matcher(text).replaceAll("$1K$2");
    }

    /** The Content-Type without spaces and in lower case ({@code application/json;charset=utf-8}), or "". */
    private static String mediaType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static Exchange get(String what, String path) {
        return new Exchange(what, "GET", path, Map.of(), null);
    }

    private static Exchange post(String what, String path, String body) {
        return new Exchange(what, "POST", path, Map.of("Content-Type", "application/json"), body);
    }
}
