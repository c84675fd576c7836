package dev.livegrid.standalone;

import dev.livegrid.config.Setting;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone server's response headers over real HTTP: the security headers on pages, files and API
 * answers (errors too), UTF-8 labels on text, and HEAD answered like GET without a body.
 */
class ResponseHeadersTest {

    /** Plain HTTP/1.1: the JDK's default offers an h2c upgrade, which Grizzly handles less simply (see HTTP-API.md). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Every kind of answer: pages, a folder, scripts, styles, API JSON and CSV, and their errors. */
    private static final List<String> PATHS = List.of("", "index.html", "echo.html", "js/livegrid.js", "js/echo.js",
            "css/sheet.css", "css/echo.css", "api/sheets", "api/sheets/demo", "api/sheets/demo.csv",
            "api/sheets/demo/history?row=seed1&col=name", "api/sheets/nope", "api/nothing", "api/sheets/demo/ops",
            "input-change", "no-such-page.html", "js/", "js", "js/%2e%2e/%2e%2e/etc/passwd");

    private static LiveGridServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pagesFilesAndApiAnswersCarryTheSecurityHeadersErrorsIncluded() throws Exception {
        String policy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'"
                + " ws://127.0.0.1:" + server.port() + " wss://127.0.0.1:" + server.port()
                + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        // Twice: a file the server has served once must not come back from a cache without them.
        for (int round = 1; round <= 2; round++) {
            for (String path : PATHS) {
                HttpHeaders headers = send("GET", path).headers();
                String what = "GET /" + path + " (round " + round + ")";
                assertAll(what,
                        () -> assertEquals(policy, headers.firstValue("Content-Security-Policy").orElse(null)),
                        () -> assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(null)),
                        () -> assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(null)));
            }
        }
    }

    @Test
    void textIsLabelledUtf8() throws Exception {
        Map<String, String> types = Map.of("", "text/html; charset=utf-8", "index.html", "text/html; charset=utf-8",
                "echo.html", "text/html; charset=utf-8", "js/sheet-page.js", "text/javascript; charset=utf-8",
                "css/sheet.css", "text/css; charset=utf-8", "api/sheets/demo", "application/json; charset=utf-8",
                "api/sheets/demo.csv", "text/csv; charset=utf-8", "no-such-page.html", "text/plain; charset=utf-8");
        for (Map.Entry<String, String> type : types.entrySet()) {
            assertEquals(type.getValue(), send("GET", type.getKey()).headers().firstValue("Content-Type").orElse(null),
                    "/" + type.getKey());
        }
    }

    @Test
    void headIsAnsweredLikeGetWithoutABody() throws Exception {
        for (String path : PATHS) {
            if (path.endsWith("/ops") || path.equals("input-change")) {
                continue; // POST only: a HEAD gets its own 405 (see below), whose message names HEAD
            }
            HttpResponse<String> get = send("GET", path);
            HttpResponse<String> head = send("HEAD", path);
            String what = "HEAD /" + path;
            assertEquals(get.statusCode(), head.statusCode(), what);
            assertEquals(headersOf(get), headersOf(head), what + ": the GET's headers");
            assertEquals("", head.body(), what);
        }
        String tag = send("GET", "api/sheets/demo").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> unchanged = HTTP.send(request("HEAD", "api/sheets/demo").header("If-None-Match", tag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(304, unchanged.statusCode(), "a HEAD is a conditional request like a GET");
    }

    /** A plain GET of a WebSocket URL is answered with what its handshake would get; a HEAD gets the same. */
    @Test
    void headOfAWebSocketUrlGetsWhatItsGetGets() throws Exception {
        for (String path : List.of("echo", "echo?delay=x", "sheets/demo", "sheets/demo?since=-1")) {
            HttpResponse<String> get = send("GET", path);
            HttpResponse<String> head = send("HEAD", path);
            assertEquals(get.statusCode(), head.statusCode(), path);
            assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
            assertEquals(get.body().length(), head.headers().firstValueAsLong("Content-Length").orElse(-1), path);
            assertEquals("", head.body(), path);
        }
    }

    @Test
    void aWrongMethodIs405WithAnAllowThatListsHeadBesideGet() throws Exception {
        assertEquals("GET, HEAD", allow(send("DELETE", "index.html")));
        assertEquals("GET, HEAD", allow(send("POST", "js/livegrid.js")));
        assertEquals("GET, HEAD", allow(send("POST", "api/sheets")));
        assertEquals("GET, HEAD", allow(send("DELETE", "api/sheets/demo.csv")));
        assertEquals("GET, HEAD, DELETE", allow(send("PUT", "api/sheets/demo")));
        assertEquals("POST", allow(send("HEAD", "api/sheets/demo/ops")));
        assertEquals("POST", allow(send("HEAD", "input-change")));
    }

    @Test
    void frameAncestorsFollowTheSetting() throws Exception {
        try (LiveGridServer framed = LiveGridServer.start(TestSettings.loopback()
                .with(Setting.FRAME_ANCESTORS, "'self'  https://portal.example.com"))) {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(framed.baseUri()).build(),
                    HttpResponse.BodyHandlers.ofString());
            String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(policy.endsWith("; frame-ancestors 'self' https://portal.example.com"), policy);
        }
    }

    // ---- helpers

    private static HttpRequest.Builder request(String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/" + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return ApiTraffic.http(HTTP.send(request(method, path).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Every header but the date, which moves on between two requests. */
    private static Map<String, List<String>> headersOf(HttpResponse<?> response) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.headers().map());
        headers.remove("Date");
        return headers;
    }

    private static String allow(HttpResponse<?> response) {
        assertEquals(405, response.statusCode(), response.uri().toString());
        return response.headers().firstValue("Allow").orElseThrow();
    }
}
