package dev.livegrid.deploy;

import dev.livegrid.browser.HeadlessChromium;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import dev.livegrid.support.PipelinedEcho;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.RawWebSocket.FrameSpec;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.WsEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.livegrid.support.RawWebSocket.BINARY;
import static dev.livegrid.support.RawWebSocket.CLOSE;
import static dev.livegrid.support.RawWebSocket.CONTINUATION;
import static dev.livegrid.support.RawWebSocket.PING;
import static dev.livegrid.support.RawWebSocket.TEXT;
import static dev.livegrid.support.RawWebSocket.closePayload;
import static dev.livegrid.support.RawWebSocket.concat;
import static dev.livegrid.support.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one suite every server that deploys {@code target/livegrid.war} must pass: pages, the echo
 * endpoint with its heartbeat, sheets over WebSockets (order, conflicts, resume), the HTTP API, the
 * size limit and the Origin check, and protocol edge cases sent over a plain socket (refused
 * handshakes, frames that break RFC 6455, API response headers). A subclass starts its server once
 * for the class; where a server behaves differently from standalone, the subclass overrides the one
 * expectation that differs and says why (docs/DEPLOYMENT.md lists the differences).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class DeployedWarContract {

    /** Small enough that the oversize test is quick, and set the same way as an operator would. */
    static final int MAX_MESSAGE_SIZE = 64 * 1024;
    static final Duration WAIT = Duration.ofSeconds(20);
    /** How long a plain-socket test waits for the server's next move before calling it silence. */
    static final Duration WIRE_TIMEOUT = Duration.ofSeconds(3);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    DeployedServer server;
    Path work;

    /** Starts the server with the WAR deployed and these LiveGrid settings as environment variables. */
    abstract DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception;

    /** Environment of the server; subclasses may add (e.g. a DataSource). */
    Map<String, String> environment(Path work) {
        return Map.of(
                "LIVEGRID_PING_INTERVAL", "1s",
                "LIVEGRID_PONG_TIMEOUT", "10s",
                "LIVEGRID_MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE),
                "LIVEGRID_DATA_DIR", work.resolve("data").toString());
    }

    /** The WAR under test: {@code target/livegrid.war} for Jakarta EE servers. */
    Path war() {
        return Path.of(System.getProperty("livegrid.war", "target/livegrid.war")).toAbsolutePath();
    }

    /** Whether the server offers {@code java:comp/DefaultManagedScheduledExecutorService} (Jakarta EE: yes). */
    boolean hasManagedScheduler() {
        return true;
    }

    @BeforeAll
    void startServer() throws Exception {
        Path war = war();
        assertTrue(Files.isRegularFile(war), "run `mvn package` first: no " + war);
        Path buildDir = Path.of(System.getProperty("livegrid.war", "target/livegrid.war")).toAbsolutePath().getParent();
        work = Files.createDirectories(buildDir.resolve("deploy-it")
                .resolve(getClass().getSimpleName() + "-" + System.currentTimeMillis()));
        server = start(war, work, environment(work));
        System.out.printf("%s: WAR answering after %.1f s at %s%n", server.name(),
                server.bootTime().toMillis() / 1000.0, server.base());
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- pages ----

    @Test
    void pagesAndScriptsAreServedUnderTheContextRoot() throws Exception {
        HttpResponse<String> index = get(server.base());
        assertEquals(200, index.statusCode(), "GET " + server.base());
        assertTrue(index.body().contains("js/index.js"), "the welcome page is LiveGrid's (home page and table editor): "
                + index.body());
        for (String module : List.of("js/index.js", "js/home-page.js", "js/sheet-page.js", "js/grid-view.js")) {
            HttpResponse<String> served = get(server.base().resolve(module));
            assertEquals(200, served.statusCode(), module);
            assertTrue(served.body().contains("import") || served.body().contains("export"), module + " is served whole");
        }
        HttpResponse<String> echo = get(server.base().resolve("echo.html"));
        assertEquals(200, echo.statusCode());
        assertTrue(echo.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        HttpResponse<String> script = get(server.base().resolve("js/livegrid.js"));
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("export"), "the ES module is served whole");
    }

    /** Pages, a welcome folder, scripts, styles, API answers and API errors: each gets LiveGrid's response headers. */
    @Test
    void pagesFilesAndApiAnswersCarryTheSecurityHeaders() throws Exception {
        String authority = server.base().getRawAuthority();
        String policy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws://" + authority
                + " wss://" + authority + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        for (String path : List.of("", "index.html", "echo.html", "js/livegrid.js", "js/sheet-page.js", "css/sheet.css",
                "css/echo.css", "api/sheets", "api/sheets/demo", "api/sheets/demo.csv", "api/sheets/nope", "api/nothing",
                "no-such-page.html")) {
            HttpResponse<String> answer = get(server.base().resolve(path));
            assertAll("GET /livegrid/" + path + " (" + answer.statusCode() + ")",
                    () -> assertEquals(policy, answer.headers().firstValue("Content-Security-Policy").orElse(null)),
                    () -> assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null)),
                    () -> assertEquals("no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(null)));
        }
    }

    @Test
    void pagesAreHtmlInUtf8() throws Exception {
        for (String path : List.of("", "index.html", "echo.html")) {
            HttpResponse<String> page = get(server.base().resolve(path));
            assertEquals(200, page.statusCode(), path);
            assertEquals("text/html;charset=utf-8", page.headers().firstValue("Content-Type").orElse("")
                    .toLowerCase().replace(" ", ""), "/livegrid/" + path);
        }
        // Scripts and styles keep the server's own labels (docs/DEPLOYMENT.md): shown for the record.
        System.out.printf("%s: Content-Type of a page '%s', a script '%s', a style sheet '%s'%n", server.name(),
                rawGet("index.html").header("Content-Type"), rawGet("js/livegrid.js").header("Content-Type"),
                rawGet("css/sheet.css").header("Content-Type"));
    }

    /** HEAD of pages, files, API resources and WebSocket URLs: the GET's status and headers, and no body. */
    @Test
    void headIsAnsweredLikeGetWithoutABody() throws Exception {
        for (String path : List.of("", "index.html", "js/livegrid.js", "css/sheet.css", "api/sheets", "api/sheets/demo",
                "api/sheets/demo.csv", "api/sheets/demo/history?row=seed1&col=name", "api/sheets/nope",
                "sheets/fine?name=Alice", "echo?delay=x")) {
            HttpResponse<String> get = get(server.base().resolve(path));
            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(server.base().resolve(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            String what = "HEAD /livegrid/" + path;
            assertEquals(get.statusCode(), head.statusCode(), what);
            for (String header : List.of("Content-Type", "ETag", "Cache-Control",
                    "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")) {
                assertEquals(get.headers().firstValue(header), head.headers().firstValue(header), what + ": " + header);
            }
            // Where the GET's body ends with the connection (a refused handshake on Payara), the HEAD says its length.
            long length = get.body().getBytes(StandardCharsets.UTF_8).length;
            assertEquals(get.headers().firstValueAsLong("Content-Length").orElse(length),
                    head.headers().firstValueAsLong("Content-Length").orElse(length), what + ": Content-Length");
            assertEquals("", head.body(), what);
        }
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(server.base().resolve("api/sheets/demo"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, put.statusCode());
        assertEquals("GET, HEAD, DELETE", put.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void theServerListensOnLoopbackOnly() throws Exception {
        List<java.net.InetSocketAddress> listening = ListeningSockets.of(server.process().jvm().pid());
        assertTrue(listening.stream().anyMatch(a -> a.getPort() == server.base().getPort()),
                "the HTTP port is among the listeners: " + listening);
        assertTrue(listening.stream().allMatch(a -> a.getAddress().isLoopbackAddress()),
                "every port the server opened is on 127.0.0.1 (Payara's Hazelcast included): " + listening);
    }

    // ---- health ----

    @Test
    void healthSaysUpWithTheStoresAnswerAndLivenessIsPlain() throws Exception {
        HttpResponse<String> health = get(server.base().resolve("health"));
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                String.valueOf(health.headers()));
        jakarta.json.JsonObject body = jakarta.json.Json.createReader(new java.io.StringReader(health.body())).readObject();
        assertEquals("up", body.getString("status"));
        assertEquals("up", body.getJsonObject("checks").getJsonObject("store").getString("status"));
        assertEquals(200, get(server.base().resolve("health/ready")).statusCode());
        HttpResponse<String> live = get(server.base().resolve("health/live"));
        assertEquals(200, live.statusCode());
        assertEquals("{\"status\":\"up\"}", live.body());
    }

    @Test
    void metricsAreServedInThePrometheusFormatWithTheServersConnectionsCounted() throws Exception {
        try (SheetClient viewer = SheetClient.join(server.webSocket("sheets/metered-" + System.nanoTime()))) {
            HttpResponse<String> metrics = get(server.base().resolve("metrics"));
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                    String.valueOf(metrics.headers()));
            assertTrue(metrics.body().lines().anyMatch(l -> l.startsWith("livegrid_connections_open{endpoint=\"sheets\"}")
                    && !l.endsWith(" 0.0")), "the open sheet connection is counted\n" + metrics.body());
            assertTrue(metrics.body().contains("\njvm_threads_live_threads "), "the JVM's meters too");
        }
    }

    // ---- echo ----

    @Test
    void echoReturnsTextAndBinaryUnchanged() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocket("echo"), events).join();
        ws.sendText("héllo, 世界", true).join();
        assertEquals("héllo, 世界", events.nextText());
        byte[] bytes = {0, 1, 2, (byte) 0xff, 42};
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
        assertArrayEquals(bytes, events.nextBinary());
        ws.sendClose(1000, "bye").join();
    }

    @Test
    void echoSizeAndPingWorkInTheWarAndTheConnectionFaultsAreRefused() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocket("echo?size=8&ping=0.2"), events).join();
        ws.sendText("héllo, 世界", true).join();
        assertEquals("héllo, ", events.nextText(), "8 bytes: 世 would not fit whole");
        for (int pings = 0; pings < 3; ) {
            if (events.next().kind().equals("ping")) {
                pings++; // the JDK client answers each: the session stays open
            }
        }
        ws.sendText("x", true).join();
        assertEquals("x       ", events.nextText());
        ws.sendClose(1000, "").join();
        assertEquals("400 'Parameter 'dropAfter' needs the standalone server: inside an application server, /echo has"
                + " no access to the connection below the WebSocket API.'", handshakeAnswer("echo?dropAfter=1", h -> h));
    }

    @Test
    void heartbeatPingsArriveAndAnsweredSessionsStayOpen() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocket("echo"), events).join();
        // ping-interval is 1s: two pings within a few seconds; the JDK client answers each with a pong.
        assertEquals("ping", events.next().kind());
        assertEquals("ping", events.next().kind());
        ws.sendText("still here", true).join();
        assertEquals("still here", events.nextIgnoringPings().data());
        ws.sendClose(1000, "").join();
    }

    @Test
    void heartbeatRunsOnTheServersManagedSchedulerWhenThereIsOne() throws Exception {
        String where = hasManagedScheduler() ? "java:comp/DefaultManagedScheduledExecutorService" : "LiveGrid's own scheduler";
        assertTrue(server.process().log().contains("heartbeat on " + where),
                "LiveGrid logs where its heartbeat runs\n" + server.process().logTail());
        List<String> threads = server.process().threadNames();
        assertEquals(!hasManagedScheduler(), threads.stream().anyMatch(n -> n.startsWith("livegrid-scheduler")),
                "a scheduler of LiveGrid's own only without a managed one: " + threads);
    }

    // ---- sheets ----

    @Test
    void twoClientsSeeEachOthersEditsInVersionOrder() throws Exception {
        URI uri = server.webSocket("sheets/order-" + System.nanoTime() + "?name=Alice");
        try (SheetClient alice = SheetClient.join(uri);
             SheetClient bob = SheetClient.join(URI.create(uri.toString().replace("Alice", "Bob")))) {
            String col = appliedOp(alice, SheetOps.addColumn("a1", "name", null)).getString("col");
            String row = appliedOp(bob, SheetOps.insertRow("b1", null, Map.of(col, "first"))).getString("row");
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? alice : bob).sendOp(SheetOps.edit("e" + i, row, col, "v" + i, null));
            }
            alice.awaitAllAnswered(WAIT);
            bob.awaitAllAnswered(WAIT);
            alice.awaitVersion(12, WAIT);
            bob.awaitVersion(12, WAIT);
            List<Long> expected = new ArrayList<>();
            for (long v = 1; v <= 12; v++) {
                expected.add(v);
            }
            assertEquals(expected, alice.appliedSeen(), "every version once, in order");
            assertEquals(expected, bob.appliedSeen(), "every version once, in order");
            assertEquals(alice.table(), bob.table(), "both tables converge");
        }
    }

    @Test
    void compareAndSetLosesToAnEarlierWriter() throws Exception {
        URI uri = server.webSocket("sheets/cas-" + System.nanoTime());
        try (SheetClient alice = SheetClient.join(uri); SheetClient bob = SheetClient.join(uri)) {
            String col = appliedOp(alice, SheetOps.addColumn("c", "n", null)).getString("col");
            JsonObject insert = applied(alice, SheetOps.insertRow("r", null, Map.of(col, "0")));
            String row = insert.getJsonObject("op").getString("row");
            long base = insert.getJsonNumber("version").longValue();
            bob.awaitVersion(base, WAIT);
            applied(alice, SheetOps.edit("a", row, col, "alice", base));
            bob.sendOp(SheetOps.edit("b", row, col, "bob", base));
            JsonObject rejected = bob.next("rejected");
            assertEquals("conflict", rejected.getString("code"), rejected.toString());
            assertEquals("alice", rejected.getJsonObject("current").getString("value"), rejected.toString());
        }
    }

    @Test
    void resumeWithSinceSendsOnlyWhatWasMissed() throws Exception {
        URI uri = server.webSocket("sheets/resume-" + System.nanoTime());
        try (SheetClient writer = SheetClient.join(uri)) {
            String col = appliedOp(writer, SheetOps.addColumn("c", "n", null)).getString("col");
            String row = appliedOp(writer, SheetOps.insertRow("r", null, Map.of(col, "0"))).getString("row");
            long seen;
            String incarnation;
            try (SheetClient reader = SheetClient.join(uri)) {
                seen = reader.welcomeVersion();
                incarnation = reader.table().incarnation();
            }
            applied(writer, SheetOps.edit("missed-1", row, col, "1", null));
            applied(writer, SheetOps.edit("missed-2", row, col, "2", null));
            try (SheetClient back = new SheetClient().connect(URI.create(uri + "?since=" + seen
                    + "&incarnation=" + incarnation))) {
                JsonObject welcome = back.awaitWelcome();
                assertEquals(seen, welcome.getJsonNumber("since").longValue(), welcome.toString());
                assertFalse(welcome.containsKey("rows"), "a resume welcome carries no table: " + welcome);
                assertEquals("missed-1", back.next("applied").getString("id"));
                assertEquals("missed-2", back.next("applied").getString("id"));
            }
        }
    }

    // ---- HTTP API ----

    @Test
    void httpSnapshotCsvAndPostedOpsAgreeWithTheSocket() throws Exception {
        String sheet = "http-" + System.nanoTime();
        try (SheetClient viewer = SheetClient.join(server.webSocket("sheets/" + sheet))) {
            String col = appliedOp(viewer, SheetOps.addColumn("c", "name", null)).getString("col");
            String row = appliedOp(viewer, SheetOps.insertRow("r", null, Map.of(col, "a,b"))).getString("row");

            HttpResponse<String> snapshot = get(server.base().resolve("api/sheets/" + sheet));
            assertEquals(200, snapshot.statusCode(), snapshot.body());
            assertMediaType("application/json", snapshot);
            JsonObject json = Json.createReader(new StringReader(snapshot.body())).readObject();
            assertEquals(2, json.getJsonNumber("version").longValue());
            String tag = "\"" + json.getString("incarnation") + ".2\"";
            assertEquals(tag, snapshot.headers().firstValue("ETag").orElse(null));
            assertEquals(viewer.table().incarnation(), json.getString("incarnation"), "the socket's welcome named it too");
            HttpResponse<String> unchanged = HTTP.send(HttpRequest.newBuilder(server.base().resolve("api/sheets/" + sheet))
                    .header("If-None-Match", tag).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(304, unchanged.statusCode());

            HttpResponse<String> csv = get(server.base().resolve("api/sheets/" + sheet + ".csv"));
            assertEquals(200, csv.statusCode());
            assertMediaType("text/csv", csv);
            assertEquals("name\r\n\"a,b\"\r\n", csv.body());

            HttpResponse<String> posted = post("api/sheets/" + sheet + "/ops", SheetOps.edit("h1", row, col, "posted", 2L));
            assertEquals(200, posted.statusCode(), posted.body());
            JsonObject applied = viewer.next("applied");
            assertEquals(Json.createReader(new StringReader(posted.body())).readObject(), applied,
                    "the response is the applied message the sockets got");
            assertEquals("h1", applied.getString("id"));
            assertEquals("http", applied.getString("by"));
            assertEquals(3, applied.getJsonNumber("version").longValue());

            HttpResponse<String> conflict = post("api/sheets/" + sheet + "/ops", SheetOps.edit("h2", row, col, "late", 2L));
            assertEquals(409, conflict.statusCode(), conflict.body());
            assertTrue(conflict.body().contains("\"code\":\"conflict\""), conflict.body());

            HttpResponse<String> missing = get(server.base().resolve("api/sheets/no-such-" + System.nanoTime()));
            assertEquals(404, missing.statusCode());
            assertMediaType("application/json", missing);

            HttpResponse<String> listing = get(server.base().resolve("api/sheets"));
            assertEquals(200, listing.statusCode());
            assertTrue(listing.body().contains("\"" + sheet + "\""), "the store lists the sheet: " + listing.body());
        }
    }

    @Test
    void theHttpApiAnswersExactlyAsTheStandaloneServer() throws Exception {
        String sheet = "parity-" + System.nanoTime();
        // The sheet is created by a join on both (HTTP never creates one); then the same requests in turn.
        try (LiveGridServer standalone = LiveGridServer.start(TestSettings.loopback().withMaxMessageSize(MAX_MESSAGE_SIZE));
             SheetClient here = SheetClient.join(server.webSocket("sheets/" + sheet));
             SheetClient there = SheetClient.join(standalone.webSocketUri("/sheets/" + sheet))) {
            HttpParity.assertSameAnswers(standalone.baseUri(), server.base(), HttpParity.exchanges(sheet));
        }
    }

    // ---- the page in a browser ----

    @Test
    void theTableEditorWorksUnderTheContextRoot() throws Exception {
        String sheet = "page-" + System.nanoTime();
        try (HeadlessChromium browser = HeadlessChromium.launch();
             SheetClient writer = SheetClient.join(server.webSocket("sheets/" + sheet)).keepPresence(true)) {
            WebDriver page = browser.driver();
            // Relative URLs all the way: the page finds its socket at /livegrid/sheets/{sheet}.
            page.get(server.base().resolve("index.html?sheet=" + sheet + "&name=Carol").toString());
            WebDriverWait wait = new WebDriverWait(page, WAIT);
            wait.until(d -> "open".equals(d.findElement(By.id("status")).getAttribute("data-status")));
            JsonObject presence;
            do {
                presence = writer.next("presence");
            } while (!presence.toString().contains("\"Carol\""));
            String col = appliedOp(writer, SheetOps.addColumn("c", "name", null)).getString("col");
            String row = appliedOp(writer, SheetOps.insertRow("r", null, Map.of(col, "from a socket"))).getString("row");
            By cell = By.cssSelector("td[data-row='" + row + "'][data-col='" + col + "'] .cell-value");
            wait.withMessage(() -> "the page shows the socket's edit; it shows: " + page.findElement(By.id("grid")).getText())
                    .until(d -> d.findElements(cell).stream().anyMatch(e -> e.getText().equals("from a socket")));
            assertEquals(List.of(), browser.consoleMessages().stream().filter(m -> m.contains("Content Security Policy"))
                    .toList(), "the page works under LiveGrid's Content-Security-Policy");
        }
    }

    /**
     * A client may send messages without waiting for their echoes, so the server reads many frames at
     * once: all come back whole and in order, small ones, ones of the maximum size, text, and in
     * fragments. Each burst stays within what {@code /echo} queues for one client (8 × the maximum
     * message size): beyond, a client reading more slowly than it sends may be closed with 1013, and
     * WildFly and Tomcat count a send as done only once the socket took it (docs/DEPLOYMENT.md).
     * The standalone server once answered such bursts with 1011 "Buffer overflow." (PipeliningConformanceTest).
     */
    @Test
    void messagesSentWithoutWaitingForTheirEchoesAllComeBack() throws Exception {
        for (int round = 0; round < 2; round++) {
            try (RawWebSocket wire = RawWebSocket.open(server.base(), "echo", WAIT)) {
                PipelinedEcho.assertAllEchoed(wire, PipelinedEcho.binary(100, 4 * 1024, 1, round));
                PipelinedEcho.assertAllEchoed(wire, PipelinedEcho.text(100, 4 * 1024, 1, round));
                PipelinedEcho.assertAllEchoed(wire, PipelinedEcho.binary(100, 4 * 1024, 3, round));
                PipelinedEcho.assertAllEchoed(wire, PipelinedEcho.binary(6, MAX_MESSAGE_SIZE, 1, round));
                PipelinedEcho.assertAllEchoed(wire, PipelinedEcho.text(6, MAX_MESSAGE_SIZE, 4, round));
            }
        }
    }

    // ---- limits and refusals ----

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocket("echo"), events).join();
        ws.sendText("x".repeat(MAX_MESSAGE_SIZE + 1), true).join();
        String close = awaitClose(events);
        assertTrue(close.startsWith(oversizeCloseCode() + " "), "echo: closed with " + close);

        try (SheetClient sheet = SheetClient.join(server.webSocket("sheets/big-" + System.nanoTime()))) {
            sheet.send("x".repeat(MAX_MESSAGE_SIZE + 1));
            SheetClient.Closed closed = sheet.awaitClose(WAIT);
            assertEquals(oversizeCloseCode(), closed.code(), "sheet: closed with " + closed);
        }
    }

    /** 1009 "message too big" (RFC 6455 §7.4.1), as standalone. */
    int oversizeCloseCode() {
        return 1009;
    }

    @Test
    void aForeignOriginIsRefusedAndTheOwnOriginAccepted() throws Exception {
        URI sheet = server.webSocket("sheets/origin-" + System.nanoTime());
        assertEquals(403, refusedStatus(sheet, "http://evil.example"));
        assertEquals(403, refusedStatus(server.webSocket("echo"), "http://evil.example"));
        String own = "http://" + server.base().getRawAuthority();
        WebSocket ws = HTTP.newWebSocketBuilder().header("Origin", own).buildAsync(server.webSocket("echo"),
                new WsEvents()).get(10, TimeUnit.SECONDS);
        ws.abort();
    }

    // ---- edge cases on the wire ----
    //
    // Each test sends bytes a well-behaved client never would over a plain socket (RawWebSocket) and
    // compares what the server does with what standalone does: the expectation methods return
    // standalone's answer; a server whose own WebSocket implementation answers otherwise overrides
    // the method with what it does (docs/DEPLOYMENT.md lists these differences).

    @WireTest
    void anUnsupportedVersionIsRefusedWith426NamingVersion13() throws Exception {
        assertEquals(unsupportedVersionAnswer(), handshakeAnswer("echo",
                h -> h.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")));
    }

    /** LiveGrid's ProtocolCheck: 426 with {@code Sec-WebSocket-Version: 13} (RFC 6455 §4.4). */
    String unsupportedVersionAnswer() {
        return "426 'Unsupported Sec-WebSocket-Version '8'; this server speaks 13.' Sec-WebSocket-Version: 13";
    }

    @WireTest
    void aMissingKeyIsRefusedWith400() throws Exception {
        assertEquals(missingKeyAnswer(), handshakeAnswer("echo", h -> h.replaceFirst("Sec-WebSocket-Key: [^\\r]*\\r\\n", "")));
    }

    String missingKeyAnswer() {
        return "400 'Missing header 'Sec-WebSocket-Key'.'";
    }

    @WireTest
    void aPostUpgradeIsRefusedWith405() throws Exception {
        assertEquals(postUpgradeAnswer(), handshakeAnswer("echo",
                h -> h.replaceFirst("^GET ", "POST ").replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n")));
    }

    String postUpgradeAnswer() {
        return "405 'A WebSocket upgrade must use GET, not POST.' Allow: GET";
    }

    @WireTest
    void anInvalidEchoParameterIsRefusedWith400() throws Exception {
        assertEquals("400 'Parameter 'delay' must be milliseconds from 0 to 60000, not 'abc'.'",
                handshakeAnswer("echo?delay=abc", h -> h));
    }

    @WireTest
    void anInvalidSheetIdOrSinceIsRefusedWith400() throws Exception {
        assertEquals("400 'A sheet id is 1-64 characters [A-Za-z0-9_-], not 'bad.id'.'",
                handshakeAnswer("sheets/bad.id", h -> h));
        assertEquals("400 'Parameter 'since' must be a sheet version (0 or more), not '-1'.'",
                handshakeAnswer("sheets/fine?since=-1", h -> h));
    }

    /** A browser sees only close 1006 for a refused handshake; a plain GET of the same URL says why. */
    @Test
    void aPlainGetOfASheetUrlIsAnsweredWithWhatItsHandshakeWouldGet() throws Exception {
        HttpResponse<String> tooLong = get(server.base().resolve("sheets/fine?name=" + "x".repeat(101)));
        assertEquals(400, tooLong.statusCode(), tooLong::body);
        assertTrue(tooLong.body().contains("'name' must be at most 100 characters"), tooLong::body);
        HttpResponse<String> accepted = get(server.base().resolve("sheets/fine?name=Alice"));
        assertEquals(426, accepted.statusCode(), accepted::body);
        assertEquals("websocket", accepted.headers().firstValue("Upgrade").orElse(null));
    }

    @WireTest
    void aRefusedHandshakeEndsTheConnection() throws Exception {
        String echo = server.base().getRawPath() + "echo";
        List<String> seen = new ArrayList<>();
        List<RawWebSocket.HttpResponse> answers = new ArrayList<>();
        for (java.util.function.UnaryOperator<String> refused : List.<java.util.function.UnaryOperator<String>>of(
                h -> h.replace(echo + " ", echo + "?delay=abc "),
                h -> h.replace("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n"),
                h -> h.replaceFirst("^GET ", "POST ").replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n"),
                h -> h.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"))) {
            try (RawWebSocket wire = RawWebSocket.connect(server.base(), WIRE_TIMEOUT)) {
                RawWebSocket.HttpResponse answer = wire.exchange(refused.apply(wire.defaultRequest(echo)));
                seen.add(answer.status() + (wire.closedByServer() ? " closed" : " kept open"));
                answers.add(answer);
            }
        }
        assertEquals(refusedHandshakeConnections(), String.join(", ", seen), answers::toString);
    }

    /** Standalone sends {@code Connection: close} with every refusal and closes the connection. */
    String refusedHandshakeConnections() {
        return "400 closed, 403 closed, 405 closed, 426 closed";
    }

    @WireTest
    void anUnmaskedClientFrame() throws Exception {
        assertEquals(unmaskedFrameOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(TEXT, utf8("hello")).unmasked())));
    }

    /** RFC 6455 §5.1: a server must fail the connection on an unmasked frame; standalone with 1002. */
    String unmaskedFrameOutcome() {
        return "close 1002";
    }

    @WireTest
    void aReservedOpcode() throws Exception {
        assertEquals(reservedOpcodeOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(0x3, utf8("x")))));
    }

    String reservedOpcodeOutcome() {
        return "close 1002";
    }

    @WireTest
    void anRsvBitWithoutAnExtension() throws Exception {
        assertEquals(rsvBitOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(TEXT, utf8("hello")).rsv(4))));
    }

    String rsvBitOutcome() {
        return "close 1002";
    }

    @WireTest
    void invalidUtf8InATextFrame() throws Exception {
        assertEquals(invalidUtf8Outcome(), echoOutcome(w -> w.encode(FrameSpec.of(TEXT,
                new byte[]{'o', 'k', ' ', (byte) 0xC3, 0x28}))));
    }

    String invalidUtf8Outcome() {
        return "close 1007";
    }

    @WireTest
    void aContinuationWithoutAStart() throws Exception {
        assertEquals(orphanContinuationOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(CONTINUATION, utf8("orphan")))));
    }

    String orphanContinuationOutcome() {
        return "close 1002";
    }

    @WireTest
    void aPingOver125Bytes() throws Exception {
        assertEquals(longPingOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(PING, new byte[126]))));
    }

    String longPingOutcome() {
        return "close 1002";
    }

    @WireTest
    void fragmentsOfATextTogetherOverTheLimit() throws Exception {
        byte[] first = utf8("x".repeat(40_000));
        byte[] rest = utf8("y".repeat(MAX_MESSAGE_SIZE - first.length + 1));
        assertEquals(fragmentsOverTheLimitOutcome(), echoOutcome(w -> concat(w.encode(FrameSpec.of(TEXT, first).fin(false)),
                w.encode(FrameSpec.of(CONTINUATION, rest)))));
    }

    String fragmentsOverTheLimitOutcome() {
        return "close 1009";
    }

    @WireTest
    void aCloseWithCode1005() throws Exception {
        assertEquals(close1005Outcome(), echoOutcome(w -> w.encode(FrameSpec.of(CLOSE, closePayload(1005, utf8("x"))))));
    }

    /** RFC 6455 §7.4.1: 1005 must not be sent; standalone fails the connection with 1002. */
    String close1005Outcome() {
        return "close 1002";
    }

    @WireTest
    void aCloseWithCode999() throws Exception {
        assertEquals(close999Outcome(), echoOutcome(w -> w.encode(FrameSpec.of(CLOSE, closePayload(999, utf8("x"))))));
    }

    String close999Outcome() {
        return "close 1002";
    }

    @WireTest
    void aFrameHeaderDeclaringMoreThanTheLimit() throws Exception {
        assertEquals(declaredOverLimitOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(BINARY, new byte[0]).declaredLength(Long.MAX_VALUE))));
    }

    /** Standalone answers from the header alone, before any payload: 1009. */
    String declaredOverLimitOutcome() {
        return "close 1009";
    }

    @WireTest
    void aNewDataFrameInsideAFragmentedMessage() throws Exception {
        assertEquals(interleavedDataFrameOutcome(), echoOutcome(w -> concat(w.encode(FrameSpec.of(TEXT, utf8("first")).fin(false)),
                w.encode(FrameSpec.of(TEXT, utf8("intruder"))))));
    }

    String interleavedDataFrameOutcome() {
        return "close 1002";
    }

    @WireTest
    void aCloseWithAOneBytePayload() throws Exception {
        assertEquals(oneByteCloseOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(CLOSE, new byte[]{0x03}))));
    }

    String oneByteCloseOutcome() {
        return "close 1002";
    }

    @WireTest
    void aCloseWithAnInvalidUtf8Reason() throws Exception {
        byte[] payload = concat(closePayload(1000, utf8("by")), new byte[]{(byte) 0xC3, 0x28});
        assertEquals(invalidCloseReasonOutcome(), echoOutcome(w -> w.encode(FrameSpec.of(CLOSE, payload))));
    }

    String invalidCloseReasonOutcome() {
        return "close 1007";
    }

    @WireTest
    void jsonAndCsvContentTypesAreSpelledAsStandalone() throws Exception {
        String sheet = "types-" + System.nanoTime();
        try (SheetClient viewer = SheetClient.join(server.webSocket("sheets/" + sheet))) {
            appliedOp(viewer, SheetOps.addColumn("c", "n", null));
        }
        String json = rawGet("api/sheets").header("Content-Type");
        String csv = rawGet("api/sheets/" + sheet + ".csv").header("Content-Type");
        assertAll(() -> assertEquals(jsonContentType(), json), () -> assertEquals(csvContentType(), csv));
    }

    /** As SheetApi writes it, as standalone sends it. */
    String jsonContentType() {
        return "application/json; charset=utf-8";
    }

    String csvContentType() {
        return "text/csv; charset=utf-8";
    }

    @WireTest
    void aBodyOverOneMebibyteIs413AndEndsTheConnection() throws Exception {
        int length = 1024 * 1024 + 1;
        try (RawWebSocket wire = RawWebSocket.connect(server.base(), WIRE_TIMEOUT)) {
            wire.writeRaw(("POST " + server.base().getRawPath() + "api/sheets/big-" + System.nanoTime() + "/ops HTTP/1.1\r\n"
                    + "Host: " + server.base().getRawAuthority() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // The API refuses by Content-Length, so the answer may come before the body; the body is
            // sent (as a client would) only to a server still reading it.
            byte[] body = new byte[length];
            java.util.Arrays.fill(body, (byte) ' ');
            wire.writeRawTolerantly(body);
            RawWebSocket.HttpResponse answer = wire.readResponse();
            String outcome = answer.status() + " Connection: " + answer.header("Connection")
                    + (wire.closedByServer() ? ", then closed" : ", then kept open");
            assertEquals(tooLargeOutcome(), outcome, answer::toString);
        }
    }

    /** The API's 413 (as JSON) says {@code Connection: close}, and standalone closes. */
    String tooLargeOutcome() {
        return "413 Connection: close, then closed";
    }

    // ---- helpers ----

    /** Sends the default upgrade request for the path below the root, as {@code edit} changes it, and describes the answer. */
    String handshakeAnswer(String relative, java.util.function.UnaryOperator<String> edit) throws Exception {
        try (RawWebSocket wire = RawWebSocket.connect(server.base(), WIRE_TIMEOUT)) {
            RawWebSocket.HttpResponse answer = wire.exchange(edit.apply(wire.defaultRequest(server.base().getRawPath() + relative)));
            return describe(answer);
        }
    }

    /**
     * A refusal in words: the status, then LiveGrid's plain-text reason in quotes (or the server's own
     * body's type and size), then the headers that matter for it.
     */
    static String describe(RawWebSocket.HttpResponse answer) {
        if (answer.status() == 101) {
            return "101 upgraded";
        }
        String type = answer.header("Content-Type");
        boolean liveGrids = type != null && type.toLowerCase().replace(" ", "").equals("text/plain;charset=utf-8")
                && answer.body().endsWith("\n") && answer.body().indexOf('\n') == answer.body().length() - 1;
        StringBuilder text = new StringBuilder().append(answer.status()).append(' ');
        text.append(liveGrids ? "'" + answer.body().strip() + "'"
                : "(server's own body: " + type + ", " + answer.body().length() + " chars)");
        for (String header : new String[]{"Sec-WebSocket-Version", "Allow"}) {
            if (answer.header(header) != null) {
                text.append(' ').append(header).append(": ").append(answer.header(header));
            }
        }
        return text.toString();
    }

    /** On a fresh /echo connection: sends the bytes and describes what the server does ({@link RawWebSocket#outcome()}). */
    String echoOutcome(Bytes bytes) throws Exception {
        try (RawWebSocket wire = RawWebSocket.open(server.base(), "echo", WIRE_TIMEOUT)) {
            wire.writeRawTolerantly(bytes.of(wire));
            return wire.outcome();
        }
    }

    /** The bytes to send, made with the client's frame encoder. */
    interface Bytes {
        byte[] of(RawWebSocket wire);
    }

    /** A GET over a plain socket: headers exactly as the server spells them. */
    RawWebSocket.HttpResponse rawGet(String relative) throws Exception {
        try (RawWebSocket wire = RawWebSocket.connect(server.base(), WIRE_TIMEOUT)) {
            RawWebSocket.HttpResponse answer = wire.exchange("GET " + server.base().getRawPath() + relative + " HTTP/1.1\r\n"
                    + "Host: " + server.base().getRawAuthority() + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, answer.status(), answer::toString);
            return answer;
        }
    }


    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String relative, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.base().resolve(relative))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The media type, as standalone sends it: servers may respell the parameters ({@code ;charset=UTF-8}). */
    static void assertMediaType(String expected, HttpResponse<?> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.toLowerCase().replace(" ", "").startsWith(expected + ";charset=utf-8"),
                "Content-Type " + type + " is " + expected + " in UTF-8");
    }

    /** Sends the op and returns its applied message (failing on anything else). */
    static JsonObject applied(SheetClient client, String op) throws Exception {
        client.sendOp(op);
        String id = Json.createReader(new StringReader(op)).readObject().getString("id");
        while (true) {
            JsonObject m = client.next("applied");
            if (id.equals(m.getString("id", null))) {
                return m;
            }
        }
    }

    static JsonObject appliedOp(SheetClient client, String op) throws Exception {
        return applied(client, op).getJsonObject("op");
    }

    /** The close ("code reason") that ends the connection; fails if none comes within {@link #WAIT}. */
    static String awaitClose(WsEvents events) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            assertTrue(System.nanoTime() < deadline, "the connection was not closed within " + WAIT);
            WsEvents.Event event = events.next();
            if (event.kind().equals("ping")) {
                continue;
            }
            if (event.kind().equals("close")) {
                return (String) event.data();
            }
            if (event.kind().equals("error")) {
                return "error " + event.data();
            }
            throw new AssertionError("expected the connection to close, got " + event);
        }
    }

    static int refusedStatus(URI uri, String origin) throws Exception {
        try {
            WebSocket ws = HTTP.newWebSocketBuilder().header("Origin", origin).buildAsync(uri, new WsEvents())
                    .get(10, TimeUnit.SECONDS);
            ws.abort();
            throw new AssertionError("the handshake to " + uri + " from Origin " + origin + " was accepted");
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
