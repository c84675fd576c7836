package dev.livegrid.apidocs;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import dev.livegrid.support.WsEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message type of docs/asyncapi.yaml and every operation of docs/openapi.yaml once, through the
 * recording clients ({@link ApiTraffic}), so that src/test/js/api-docs.test.mjs checks each against
 * the server's real output whatever the other tests happen to exercise. Each step also checks that
 * the server answered as the documents say.
 */
@Timeout(60)
class ApiTrafficTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CLIENT_KEY = "api-traffic-client-0001";

    @Test
    void everySheetMessageInBothDirections() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback());
             SheetClient alice = new SheetClient();
             SheetClient bob = new SheetClient()) {
            URI sheet = server.webSocketUri("/sheets/traffic");
            alice.connect(URI.create(sheet + "?name=Alice&client=" + CLIENT_KEY));
            assertEquals("owner", alice.awaitWelcome().getString("role"));
            alice.sendOp(SheetOps.addColumn("a1", "name", null));
            alice.sendOp(SheetOps.addColumn("a2", "age", null));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);
            String name = alice.table().columnIds().get(0);
            String age = alice.table().columnIds().get(1);
            alice.sendOp(SheetOps.insertRow("a3", null, Map.of(name, "Ada")));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);
            String row = alice.table().rowIds().get(0);
            alice.sendOp(SheetOps.edit("a4", row, age, "36", 0L));
            alice.sendOp(SheetOps.renameColumn("a5", age, "Age"));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);

            bob.connect(URI.create(sheet + "?name=Bob"));
            String bobId = bob.awaitWelcome().getString("you");
            alice.awaitUsers(users -> users.containsKey(bobId), SheetClient.TIMEOUT, "Bob joins");
            bob.send("{\"type\":\"focus\",\"row\":\"" + row + "\",\"col\":\"" + name + "\"}");
            alice.awaitUsers(users -> row.equals(users.get(bobId).row()), SheetClient.TIMEOUT, "Bob moves to a cell");
            bob.send("{\"type\":\"blur\"}");
            alice.awaitUsers(users -> users.get(bobId).row() == null, SheetClient.TIMEOUT, "Bob leaves the cell");
            bob.sendOp(SheetOps.edit("b1", row, age, "37", 0L));
            assertEquals("conflict", bob.next("rejected").getString("code"));
            // a batch that loses two bases, and a conditional delete that loses one: every cell named
            bob.sendOp(SheetOps.batch("b2", SheetOps.edit("x", row, age, "38", 0L), SheetOps.edit("x", row, name, "Eve", 0L)));
            assertEquals(2, bob.next("rejected").getJsonArray("conflicts").size());
            bob.sendOp(SheetOps.withBase(SheetOps.deleteRow("b3", row), 1));
            assertEquals("conflict", bob.next("rejected").getString("code"));
            bob.send("{\"type\":\"batch\",\"id\":\"b4\",\"ops\":[]}");
            assertEquals("bad-message", bob.next("error").getString("code"));
            bob.send("{\"type\":\"explode\"}");
            assertEquals("bad-message", bob.next("error").getString("code"));
            bob.close();
            alice.awaitUsers(users -> !users.containsKey(bobId), SheetClient.TIMEOUT, "Bob leaves");

            alice.sendOp(SheetOps.insertRow("a6", row, Map.of()));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);
            String spare = alice.table().rowIds().get(1);
            alice.sendOp(SheetOps.batch("a9", SheetOps.addColumn("x", "email", name),
                    SheetOps.edit("x", spare, "$0", "ada@example.com", 0L), SheetOps.insertRow("x", spare, Map.of("$0", "b@x")),
                    SheetOps.withBase(SheetOps.deleteRow("x", "$2"), alice.version() + 1)));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);
            assertEquals(Map.of(), alice.rejectedByCode());
            alice.sendOp(SheetOps.withBase(SheetOps.deleteColumn("a10", alice.table().columnIds().get(1)), alice.version()));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);
            alice.sendOp(SheetOps.deleteRow("a7", row));
            alice.sendOp(SheetOps.deleteColumn("a8", name));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);

            try (SheetClient again = new SheetClient().startingFrom(alice.table())) {
                again.connect(URI.create(sheet + "?client=" + CLIENT_KEY + "&since=" + (alice.version() - 1)));
                assertEquals(alice.version() - 1, again.awaitWelcome().getJsonNumber("since").longValue());
                again.awaitVersion(alice.version(), SheetClient.TIMEOUT);
            }
        }
    }

    /**
     * {@code skipped}: a reader that stopped reading while one cell was edited again and again gets
     * the queued edits merged into the newest. The edits are large, to fill the TCP buffers between
     * the reader and the server (several megabytes on loopback) so that the rest queue in its outbox.
     */
    @Test
    void aReaderThatFallsBehindIsToldWhichVersionsItSkipped() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.MAX_VALUE_LENGTH, "200000", Setting.OUTBOX_LIMIT, "64MiB", Setting.OP_RATE, "100000")));
             SheetClient writer = new SheetClient().keepApplied(false);
             SheetClient reader = new SheetClient().keepApplied(false).pauseAfterWelcome()) {
            URI sheet = server.webSocketUri("/sheets/skipping");
            writer.connect(sheet).awaitWelcome();
            writer.sendOp(SheetOps.addColumn("w0", "big", null));
            writer.sendOp(SheetOps.insertRow("w1", null, Map.of()));
            writer.awaitAllAnswered(SheetClient.TIMEOUT);
            String row = writer.table().rowIds().get(0);
            String col = writer.table().columnIds().get(0);
            reader.connect(sheet).awaitWelcome();
            for (int i = 0; i < 200; i++) {
                writer.sendOp(SheetOps.edit("e" + i, row, col, i + "x".repeat(100_000), null));
                writer.awaitAllAnswered(SheetClient.TIMEOUT);
            }
            reader.resume();
            reader.awaitVersion(writer.version(), SheetClient.TIMEOUT);
            assertTrue(!reader.skipped().isEmpty(), "edits of one cell queued for a stopped reader are merged");
        }
    }

    @Test
    void rolesFreshTokensAndAccessLists() throws Exception {
        Tokens tokens = Tokens.hs256();
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)))) {
            String owner = tokens.withRole("olga", "editor");
            String admin = tokens.withRole("root", "admin");
            String viewer = tokens.mint("vic", Map.of("sheets", Map.of("team", "viewer")));
            URI team = server.webSocketUri("/sheets/team");
            try (SheetClient olga = new SheetClient(); SheetClient vic = new SheetClient()) {
                olga.connect(team, Tokens.bearer(owner));
                assertEquals("owner", olga.awaitWelcome().getString("role"));
                vic.connect(team, Tokens.bearer(viewer));
                assertEquals("viewer", vic.awaitWelcome().getString("role"));
                vic.sendOp(SheetOps.addColumn("v1", "mine", null));
                assertEquals("read-only", vic.next("rejected").getString("code"));

                assertEquals(200, http(server, "PUT", "/api/sheets/team/access/vic", owner, "{\"role\":\"editor\"}").statusCode());
                assertEquals("editor", vic.next("role").getString("role"));
                vic.send("{\"type\":\"auth\",\"token\":\"" + tokens.mint("vic", Map.of("sheets", Map.of("team", "viewer"))) + "\"}");
                assertTrue(vic.next("authenticated").getString("expires").endsWith("Z"));
                vic.send("{\"type\":\"auth\",\"token\":\"" + tokens.withRole("someone-else", "editor") + "\"}");
                assertEquals("bad-token", vic.next("error").getString("code"));

                assertEquals(200, http(server, "GET", "/api/sheets/team/access", owner, null).statusCode());
                assertEquals(200, http(server, "HEAD", "/api/sheets/team/access", owner, null).statusCode());
                assertEquals(403, http(server, "GET", "/api/sheets/team/access", viewer, null).statusCode());
                assertEquals(400, http(server, "PUT", "/api/sheets/team/access/vic", owner, "{\"role\":\"god\"}").statusCode());
                assertEquals(204, http(server, "DELETE", "/api/sheets/team/access/vic", owner, null).statusCode());
            }
            assertEquals(401, http(server, "GET", "/api/sheets", null, null).statusCode());
            assertEquals(401, http(server, "GET", "/api/sheets/team", "not-a-token", null).statusCode());
            for (String path : new String[]{"/health", "/health/ready", "/metrics"}) {
                assertEquals(401, http(server, "GET", path, null, null).statusCode(), path);
                assertEquals(403, http(server, "GET", path, owner, null).statusCode(), path);
                assertEquals(200, http(server, "GET", path, admin, null).statusCode(), path);
            }
        }
    }

    @Test
    void everyHttpOperation() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            SheetClient.join(server.webSocketUri("/sheets/http")).close(); // HTTP never creates a sheet
            String op = SheetOps.addColumn("h1", "name", null);
            JsonObject applied = json(expect(200, http(server, "POST", "/api/sheets/http/ops", null, op)));
            String col = applied.getJsonObject("op").getString("col");
            expect(200, http(server, "POST", "/api/sheets/http/ops", null, SheetOps.insertRow("h2", null, Map.of(col, "x"))));
            expect(409, http(server, "POST", "/api/sheets/http/ops", null, SheetOps.deleteRow("h3", "r999")));
            expect(400, http(server, "POST", "/api/sheets/http/ops", null, SheetOps.addColumn("h4", " ", null)));
            expect(400, http(server, "POST", "/api/sheets/http/ops", null, "{\"type\":\"blur\"}"));
            expect(200, http(server, "POST", "/input-change", null, "{\"index\":0,\"forms\":\"name\",\"value\":\"y\"}"));
            expect(404, http(server, "POST", "/input-change", null, "{\"index\":99,\"forms\":\"name\",\"value\":\"y\"}"));

            for (String path : new String[]{"/api/sheets", "/api/sheets/http", "/api/sheets/http.csv",
                    "/api/sheets/http/history?row=r2&col=" + col, "/health/live", "/health", "/health/ready", "/metrics"}) {
                expect(200, http(server, "GET", path, null, null));
                expect(200, http(server, "HEAD", path, null, null));
            }
            String tag = http(server, "GET", "/api/sheets/http", null, null).headers().firstValue("ETag").orElseThrow();
            expect(304, ApiTraffic.http(HTTP.send(request(server, "GET", "/api/sheets/http", null, null)
                    .header("If-None-Match", tag).build(), HttpResponse.BodyHandlers.ofString())));
            expect(400, http(server, "GET", "/api/sheets/http/history?row=r2", null, null));
            expect(400, http(server, "GET", "/api/sheets/http.csv?raw=maybe", null, null));
            expect(409, http(server, "GET", "/api/sheets/http/access", null, null));
            expect(409, http(server, "HEAD", "/api/sheets/http/access", null, null));
            expect(409, http(server, "PUT", "/api/sheets/http/access/bob", null, "{\"role\":\"viewer\"}"));
            expect(409, http(server, "DELETE", "/api/sheets/http/access/bob", null, null));
            expect(405, http(server, "POST", "/api/sheets", null, "{}"));
            expect(405, http(server, "PUT", "/metrics", null, ""));
            expect(404, http(server, "GET", "/api/nothing-here", null, null));
            expect(204, http(server, "DELETE", "/api/sheets/http", null, null));
            expect(404, http(server, "GET", "/api/sheets/http", null, null));
        }
        try (LiveGridServer limited = LiveGridServer.start(TestSettings.loopback().with(Setting.OP_RATE, "1"))) {
            int status = 0;
            for (int i = 0; i < 5 && status != 429; i++) { // a burst of two, then the budget is spent
                status = http(limited, "POST", "/input-change", null, "{\"index\":0,\"forms\":\"name\",\"value\":\"" + i + "\"}")
                        .statusCode();
            }
            assertEquals(429, status);
        }
    }

    @Test
    void echoHeartbeats() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            WsEvents events = new WsEvents("echo");
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/echo?heartbeat=0.05"), events)
                    .get(10, TimeUnit.SECONDS);
            JsonObject heartbeat = Json.createReader(new StringReader(events.nextText())).readObject();
            assertEquals("heartbeat", heartbeat.getString("type"));
            ws.sendText("an echo", true).get(10, TimeUnit.SECONDS);
            String next;
            do {
                next = events.nextText();
            } while (next.contains("\"heartbeat\""));
            assertEquals("an echo", next);
            ws.abort();
        }
    }

    private static HttpRequest.Builder request(LiveGridServer server, String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static HttpResponse<String> http(LiveGridServer server, String method, String path, String token, String body)
            throws Exception {
        return ApiTraffic.http(HTTP.send(request(server, method, path, token, body).build(),
                HttpResponse.BodyHandlers.ofString()), body);
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.request().method() + " " + response.uri() + ": " + response.body());
        return response;
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
