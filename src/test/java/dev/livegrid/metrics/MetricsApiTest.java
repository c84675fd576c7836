package dev.livegrid.metrics;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoublePredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code GET /metrics} on the standalone server: the Prometheus text format, and what LiveGrid's meters count. */
@Timeout(120)
class MetricsApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aFreshServerExposesItsMetersAndTheJvmsInThePrometheusFormat() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            HttpResponse<String> metrics = get(server, "/metrics", null);
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-store", metrics.headers().firstValue("Cache-Control").orElse(""));
            String text = metrics.body();
            assertEquals(0.0, value(text, "livegrid_connections_open{endpoint=\"sheets\"}"));
            assertEquals(0.0, value(text, "livegrid_connections_open{endpoint=\"echo\"}"));
            assertEquals(0.0, value(text, "livegrid_ops_rejected_total{code=\"conflict\"}"));
            assertTrue(text.contains("# TYPE livegrid_ops_acknowledged_seconds histogram"), "an acknowledgement histogram");
            assertTrue(text.contains("# TYPE livegrid_commit_duration_seconds histogram"));
            assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\",id=\"") >= 0, "the JVM's own meters");
            assertTrue(value(text, "jvm_threads_live_threads") > 0);
            assertEquals(405, HTTP.send(HttpRequest.newBuilder(uri(server, "/metrics")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void opsCommitsConnectionsAndRefusalsAreCountedAsTheyHappen() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            try (SheetClient alice = SheetClient.join(server.webSocketUri("/sheets/counted?name=Alice"));
                 RawWebSocket echo = RawWebSocket.open(server.port(), "/echo")) {
                alice.sendOp(SheetOps.addColumn("c", "A", null));
                alice.sendOp(SheetOps.insertRow("r", null, Map.of()));
                alice.awaitAnswer("r", WAIT);
                JsonObject table = alice.next("applied"); // the column's
                String col = table.getJsonObject("op").getString("col");
                String row = alice.next("applied").getJsonObject("op").getString("row");
                alice.sendOp(SheetOps.edit("fresh", row, col, "x", 0L));
                alice.awaitAnswer("fresh", WAIT);
                alice.sendOp(SheetOps.edit("stale", row, col, "y", 0L)); // the cell is no longer at version 0
                alice.awaitAnswer("stale", WAIT);
                assertEquals(400, RawWebSocket.connect(server.port()).exchange(
                        RawWebSocket.defaultRequest(server.port(), "/echo?delay=x", RawWebSocket.randomKey())).status());

                String text = awaitMetric(server, "livegrid_ops_acknowledged_seconds_count", v -> v == 3);
                assertEquals(1.0, value(text, "livegrid_ops_rejected_total{code=\"conflict\"}"));
                assertEquals(1.0, value(text, "livegrid_connections_open{endpoint=\"sheets\"}"));
                assertEquals(1.0, value(text, "livegrid_connections_open{endpoint=\"echo\"}"));
                assertEquals(1.0, value(text, "livegrid_handshake_refusals_total{status=\"400\"}"));
                assertTrue(value(text, "livegrid_rooms_open") >= 1);
                assertTrue(value(text, "livegrid_commit_duration_seconds_count") >= 1, "commits are timed");
                assertTrue(value(text, "livegrid_commit_batch_size_changes_sum") >= 4,
                        "the sheet's creation and its three applied ops were committed");
            }
            awaitMetric(server, "livegrid_connections_open{endpoint=\"sheets\"}", v -> v == 0);
            awaitMetric(server, "livegrid_connections_open{endpoint=\"echo\"}", v -> v == 0);
        }
    }

    @Test
    void heartbeatClosesAreCounted() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback()
                .withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(300)))) {
            try (RawWebSocket silent = RawWebSocket.open(server.port(), "/echo")) {
                assertEquals(1001, silent.readClose().code(), "its pings are never answered");
            }
            awaitMetric(server, "livegrid_heartbeat_closes_total", v -> v == 1);
        }
    }

    @Test
    void outboxOverflowsAreCounted() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(Setting.MAX_MESSAGE_SIZE, "4096")))) {
            // 8 × 4 KiB may wait for one echo client: a client that sends without reading overflows it.
            try (RawWebSocket slow = RawWebSocket.openWithReceiveBuffer(server.port(), "/echo", 4096)) {
                byte[] message = new byte[4000];
                for (int i = 0; i < 2000 && value(get(server, "/metrics", null).body(),
                        "livegrid_outbox_overflows_total{endpoint=\"echo\"}") == 0; i++) {
                    slow.writeRawTolerantly(slow.encode(RawWebSocket.FrameSpec.of(RawWebSocket.BINARY, message)));
                }
            }
            awaitMetric(server, "livegrid_outbox_overflows_total{endpoint=\"echo\"}", v -> v == 1);
        }
    }

    @Test
    void withTokensOnlyAnAdminReadsTheMetrics() throws Exception {
        Tokens tokens = Tokens.hs256();
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)))) {
            HttpResponse<String> anonymous = get(server, "/metrics", null);
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            HttpResponse<String> editor = get(server, "/metrics", tokens.withRole("eve", "editor"));
            assertEquals(403, editor.statusCode());
            assertTrue(editor.body().contains("only admins may see the metrics"), editor.body());
            HttpResponse<String> admin = get(server, "/metrics", tokens.withRole("ops", "admin"));
            assertEquals(200, admin.statusCode());
            assertTrue(admin.body().contains("livegrid_connections_open"));
        }
    }

    /** The value of the first series starting with {@code series} (a name, with labels as far as given). */
    static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series) && !line.startsWith("#")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return fail("no series " + series + " in\n" + scrape);
    }

    private static String awaitMetric(LiveGridServer server, String series, DoublePredicate done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String text = get(server, "/metrics", null).body();
            if (done.test(value(text, series))) {
                return text;
            }
            if (System.nanoTime() > deadline) {
                return fail(series + " is " + value(text, series) + " after " + WAIT);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static HttpResponse<String> get(LiveGridServer server, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(server, path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return ApiTraffic.http(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static URI uri(LiveGridServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
