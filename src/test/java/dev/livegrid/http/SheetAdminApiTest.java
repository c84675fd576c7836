package dev.livegrid.http;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.sheet.Op;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.store.SqliteSheetStore;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.WsEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sheet administration over HTTP: the listing, deleting a sheet, and a cell's history. */
class SheetAdminApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LiveGridServer server;
    private static ExecutorService pool;
    private static RoomRegistry rooms;
    private static SheetApi api;

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback());
        pool = Executors.newFixedThreadPool(2);
        Settings settings = Settings.defaults().with(Setting.OP_WINDOW, "10");
        rooms = new RoomRegistry(settings, pool, SqliteSheetStore.inMemory());
        api = new SheetApi(rooms, settings);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
        rooms.close();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    // ---- GET /api/sheets

    @Test
    void listingShowsStoredSheetsWithTheirVersionsSizesAndLastChange() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Client alice = Client.join("list-a");
        String col = addColumn("list-a", "la1", "name");
        alice.op("{\"type\":\"insertRow\",\"id\":\"la2\",\"cells\":{\"" + col + "\":\"x\"}}");
        alice.op("{\"type\":\"insertRow\",\"id\":\"la3\",\"cells\":{}}");
        alice.close();
        Client.join("list-b").close();
        Instant after = Instant.now();

        JsonObject a = awaitListed("list-a");
        assertEquals(3, a.getInt("version"));
        assertEquals(2, a.getInt("rows"));
        assertEquals(1, a.getInt("columns"));
        Instant updated = Instant.parse(a.getString("updated"));
        assertTrue(a.getString("updated").endsWith("Z"), "UTC: " + a);
        assertFalse(updated.isBefore(before) || updated.isAfter(after), updated + " not in [" + before + ", " + after + "]");
        // A sheet is stored from its creation, before any op.
        JsonObject b = awaitListed("list-b");
        assertEquals(0, b.getInt("version"));
        assertEquals(0, b.getInt("rows"));
        assertEquals(0, b.getInt("columns"));

        HttpResponse<String> response = expect(200, get("/api/sheets"));
        assertEquals("application/json; charset=utf-8", contentType(response));
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
        List<String> ids = json(response).getJsonArray("sheets").stream()
                .map(v -> v.asJsonObject().getString("id")).toList();
        assertEquals(ids.stream().sorted().toList(), ids, "by id");
        assertEquals(List.of("id", "version", "rows", "columns", "updated"),
                List.copyOf(json(response).getJsonArray("sheets").getJsonObject(0).keySet()));
    }

    // ---- DELETE /api/sheets/{id}

    @Test
    void deleteClosesConnectedClientsWith4004AndRemovesTheSheet() throws Exception {
        Client viewer = Client.join("doomed");
        addColumn("doomed", "d1", "n");
        awaitListed("doomed");

        HttpResponse<String> deleted = expect(204, send("DELETE", "/api/sheets/doomed"));
        assertEquals("", deleted.body());
        String closed = viewer.closeCode();
        assertTrue(closed.startsWith("4004 "), closed);

        assertEquals("no-such-sheet", json(expect(404, get("/api/sheets/doomed"))).getString("code"));
        assertEquals("no-such-sheet", json(expect(404, get("/api/sheets/doomed.csv"))).getString("code"));
        assertFalse(listedIds().contains("doomed"));
        assertEquals("no-such-sheet", json(expect(404, send("DELETE", "/api/sheets/doomed"))).getString("code"));

        // A join creates it anew, empty.
        Client again = Client.join("doomed");
        assertEquals(0, again.welcome.getInt("version"));
        assertEquals(0, again.welcome.getJsonArray("columns").size());
        again.close();
        assertEquals(0, json(expect(200, get("/api/sheets/doomed"))).getInt("version"));
    }

    @Test
    void deleteOfASheetNobodyHasOpenRemovesItFromTheStore() throws Exception {
        Client.join("idle").close();
        addColumn("idle", "i1", "n");
        awaitListed("idle");
        expect(204, send("DELETE", "/api/sheets/idle"));
        assertEquals(404, get("/api/sheets/idle").statusCode());
        assertFalse(listedIds().contains("idle"));
    }

    @Test
    void deleteOfAnUnknownSheetIs404() throws Exception {
        for (String path : new String[]{"/api/sheets/never-made", "/api/sheets/not%20an%20id"}) {
            JsonObject problem = json(expect(404, send("DELETE", path)));
            assertEquals("no-such-sheet", problem.getString("code"), path);
        }
        assertFalse(listedIds().contains("never-made"), "a DELETE never creates the sheet");
    }

    @Test
    void demoIsSeededAgainAfterADelete() throws Exception {
        expect(200, post("/input-change", "{\"index\":0,\"forms\":\"name\",\"value\":\"changed\"}"));
        expect(204, send("DELETE", "/api/sheets/demo"));
        JsonObject demo = json(expect(200, get("/api/sheets/demo")));
        assertEquals(0, demo.getInt("version"));
        assertEquals("小明", demo.getJsonArray("rows").getJsonObject(0).getJsonObject("cells")
                .getJsonObject("name").getString("value"));
    }

    @Test
    void deleteFromAForeignBrowserOriginIs403AndDeletesNothing() throws Exception {
        Client.join("kept").close();
        HttpResponse<String> response = HTTP.send(request("/api/sheets/kept").header("Origin", "http://evil.example")
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("forbidden-origin", json(expect(403, response)).getString("code"));
        expect(200, get("/api/sheets/kept"));
    }

    // ---- methods

    @Test
    void wrongMethodsAre405WithAllow() throws Exception {
        assertEquals("GET, HEAD", allow(send("POST", "/api/sheets")));
        assertEquals("GET, HEAD", allow(send("DELETE", "/api/sheets")));
        assertEquals("GET, HEAD, DELETE", allow(send("PUT", "/api/sheets/demo")));
        assertEquals("GET, HEAD", allow(send("DELETE", "/api/sheets/demo/history?row=seed1&col=name")));
        assertEquals("GET, HEAD", allow(send("DELETE", "/api/sheets/demo.csv")));
        assertEquals("POST", allow(send("DELETE", "/api/sheets/demo/ops")));
    }

    // ---- GET /api/sheets/{id}/history, through the server

    @Test
    void historyListsACellsValuesOldestFirstWithVersionsAndAuthors() throws Exception {
        Client alice = Client.join("hist");
        String name = addColumn("hist", "h1", "name");
        String age = addColumn("hist", "h2", "age");
        JsonObject inserted = alice.op("{\"type\":\"insertRow\",\"id\":\"h3\",\"cells\":{\"" + name
                + "\":\"Hong\",\"" + age + "\":\"18\"}}");
        String row = inserted.getJsonObject("op").getString("row");
        JsonObject bySocket = alice.op(edit("h4", row, name, "\"Hong Jr.\""));
        JsonObject byHttp = json(expect(200, post("/api/sheets/hist/ops", edit("h5", row, name, "\"Ho\""))));
        expect(200, post("/api/sheets/hist/ops", edit("h6", row, age, "\"19\""))); // another cell
        JsonObject emptied = alice.op(edit("h7", row, name, "null"));
        alice.close();

        HttpResponse<String> response = expect(200, get("/api/sheets/hist/history?row=" + row + "&col=" + name));
        assertEquals("application/json; charset=utf-8", contentType(response));
        JsonObject history = json(response);
        assertEquals("hist", history.getString("sheet"));
        assertEquals(row, history.getString("row"));
        assertEquals(name, history.getString("col"));
        List<JsonObject> entries = entries(history);
        assertEquals(List.of(inserted.getInt("version"), bySocket.getInt("version"), byHttp.getInt("version"),
                emptied.getInt("version")), entries.stream().map(e -> e.getInt("version")).toList());
        assertEquals(List.of("\"Hong\"", "\"Hong Jr.\"", "\"Ho\"", "null"),
                entries.stream().map(e -> e.get("value").toString()).toList());
        assertEquals(List.of(alice.you, alice.you, SheetApi.BY, alice.you),
                entries.stream().map(e -> e.getString("by")).toList());
        assertTrue(alice.you.startsWith("u-"), alice.you);
        assertAtIsIsoUtcAndInOrder(entries);

        assertEquals(entries, entries(json(expect(200, get("/api/sheets/hist/history?col=" + name + "&row="
                + row.replace("r", "%72"))))), "percent-encoded parameters are decoded");
        List<JsonObject> ageEntries = entries(json(expect(200, get("/api/sheets/hist/history?row=" + row + "&col=" + age))));
        assertEquals(List.of("\"18\"", "\"19\""), ageEntries.stream().map(e -> e.get("value").toString()).toList());
    }

    @Test
    void historyOfAnUnknownSheetIs404AndABadQueryIs400() throws Exception {
        Client.join("hist-bad").close();
        assertEquals("no-such-sheet", json(expect(404, get("/api/sheets/never-made/history?row=r1&col=c1")))
                .getString("code"));
        for (String query : new String[]{"", "?row=r1", "?col=c1", "?row=&col=c1", "?row=r1&col=a%20b",
                "?row=r1&row=r2&col=c1", "?row=r1&col=%C3%A9"}) {
            HttpResponse<String> response = expect(400, get("/api/sheets/hist-bad/history" + query));
            assertEquals("bad-query", json(response).getString("code"), query);
        }
    }

    // ---- the history through SheetApi itself (no server), on a registry of its own whose op window
    // is 10: ops are submitted to the room as socket users' ops are, and POSTed as HTTP.

    @Test
    void historyHoldsTheInsertAndEveryEditOfTheCellAndNothingElse() throws Exception {
        Room room = rooms.acquire("cells", true);
        try {
            String name = col(submit(room, "u-alice", new Op.AddColumn(null, "name", null)));
            String other = col(submit(room, "u-alice", new Op.AddColumn(null, "other", null)));
            JsonObject insert = submit(room, "u-bob", new Op.InsertRow(null, null, Map.of(name, "a", other, "z")));
            String row = insert.getJsonObject("op").getString("row");
            String second = rowOf(submit(room, "u-bob", new Op.InsertRow(null, row, Map.of(name, "elsewhere"))));
            submit(room, "u-alice", new Op.Edit(row, name, "b", null));
            submit(room, "u-alice", new Op.Edit(row, other, "y", null));
            submit(room, "u-bob", new Op.Edit(second, name, "elsewhere 2", null));
            ApiResponse posted = api.handle(ApiRequest.of("POST", "/api/sheets/cells/ops", Map.of(),
                    "{\"type\":\"edit\",\"id\":\"p1\",\"row\":\"" + row + "\",\"col\":\"" + name
                            + "\",\"value\":\"c\",\"base\":5}")).orElseThrow();
            assertEquals(200, posted.status(), posted.body());
            submit(room, "u-bob", new Op.RenameColumn(name, "Name"));
            submit(room, "u-bob", new Op.Edit(row, name, null, null));

            JsonObject history = history("/api/sheets/cells/history?row=" + row + "&col=" + name);
            assertEquals(List.of(
                            entry(3, "a", "u-bob"), entry(5, "b", "u-alice"), entry(8, "c", SheetApi.BY),
                            entry(10, null, "u-bob")),
                    entries(history).stream().map(e -> Json.createObjectBuilder(e).remove("at").build()).toList());
            assertEquals(List.of("sheet", "row", "col", "history"), List.copyOf(history.keySet()));
            assertEquals(List.of("version", "value", "by", "at"), List.copyOf(entries(history).get(0).keySet()));
            // A row or column that never had a value has an empty history, not an error.
            assertEquals(List.of(), entries(history("/api/sheets/cells/history?row=nope&col=" + name)));
            // Percent-encoded parameters are decoded.
            assertEquals(4, entries(history("/api/sheets/cells/history?col=" + name + "&row="
                    + row.replace("r", "%72"))).size());
        } finally {
            rooms.release(room);
        }
    }

    @Test
    void historyOfADeletedRowIsKeptWhileItsOpsAreInTheLog() throws Exception {
        Room room = rooms.acquire("gone", true);
        try {
            String col = col(submit(room, "u-alice", new Op.AddColumn(null, "n", null)));
            String row = rowOf(submit(room, "u-alice", new Op.InsertRow(null, null, Map.of(col, "v"))));
            submit(room, "u-alice", new Op.DeleteRow(row));
            assertEquals(List.of(entry(2, "v", "u-alice")), entries(history("/api/sheets/gone/history?row=" + row
                    + "&col=" + col)).stream().map(e -> Json.createObjectBuilder(e).remove("at").build()).toList());
        } finally {
            rooms.release(room);
        }
    }

    @Test
    void historyCoversTheRetainedLogOnly() throws Exception {
        Room room = rooms.acquire("long", true);
        try {
            String col = col(submit(room, "u-alice", new Op.AddColumn(null, "n", null)));
            String row = rowOf(submit(room, "u-alice", new Op.InsertRow(null, null, Map.of(col, "0"))));
            int edits = 510;
            for (int i = 1; i <= edits; i++) {
                submit(room, "u-alice", new Op.Edit(row, col, String.valueOf(i), null));
            }
            List<JsonObject> entries = entries(history("/api/sheets/long/history?row=" + row + "&col=" + col));
            // A snapshot at version ~500 dropped the ops before it, except the last op-window (10) ones.
            assertTrue(entries.size() < 100, "compacted: " + entries.size());
            assertEquals(edits + 2, entries.get(entries.size() - 1).getInt("version"));
            assertEquals(String.valueOf(edits), entries.get(entries.size() - 1).getString("value"));
            for (int i = 1; i < entries.size(); i++) {
                assertEquals(entries.get(i - 1).getInt("version") + 1, entries.get(i).getInt("version"));
            }
        } finally {
            rooms.release(room);
        }
    }

    @Test
    void historyThroughTheApiOfAnUnknownSheetIs404AndABadQueryIs400WithAMessage() {
        ApiResponse unknown = api.handle(ApiRequest.ofTarget("GET", "/api/sheets/none/history?row=r1&col=c1",
                Map.of(), "")).orElseThrow();
        assertEquals(404, unknown.status());
        assertEquals("{\"code\":\"no-such-sheet\",\"message\":\"no sheet 'none'\"}", unknown.body());
        String[][] cases = {
                {"", "the query needs \"row\", e.g. ?row=r1&col=c2"},
                {"?row=r1", "the query needs \"col\", e.g. ?row=r1&col=c2"},
                {"?row=r1&col=", "\"col\" must be an id of 1-64 characters [A-Za-z0-9_-]"},
                {"?row=a+b&col=c1", "\"row\" must be an id of 1-64 characters [A-Za-z0-9_-]"},
                {"?row=r1&col=c1&col=c2", "\"col\" is given 2 times; give it once"},
                {"?row=%E0%A4%A&col=c1", "the query has a malformed percent escape"}};
        for (String[] c : cases) {
            ApiResponse response = api.handle(ApiRequest.ofTarget("GET", "/api/sheets/none/history" + c[0],
                    Map.of(), "")).orElseThrow();
            assertEquals(400, response.status(), c[0]);
            assertEquals("{\"code\":\"bad-query\",\"message\":" + quoted(c[1]) + "}", response.body(), c[0]);
        }
    }

    @Test
    void listingAndDeleteWithoutAServer() {
        rooms.release(rooms.acquire("solo", true));
        ApiResponse deleted = api.handle(ApiRequest.of("DELETE", "/api/sheets/solo", Map.of(), "")).orElseThrow();
        assertEquals(204, deleted.status());
        assertNull(deleted.body());
        assertNull(deleted.contentType());
        String listing = api.handle(ApiRequest.of("GET", "/api/sheets", Map.of(), "")).orElseThrow().body();
        assertFalse(listing.contains("\"solo\""), listing);
        assertTrue(listing.startsWith("{\"sheets\":["), listing);
    }

    private static JsonObject submit(Room room, String by, Op op) throws Exception {
        OpResult result = room.submit(by, "op-" + System.nanoTime(), op).get(10, TimeUnit.SECONDS);
        assertTrue(result.applied(), result.text());
        return read(result.text());
    }

    private static JsonObject history(String target) {
        ApiResponse response = api.handle(ApiRequest.ofTarget("GET", target, Map.of(), "")).orElseThrow();
        assertEquals(200, response.status(), response.body());
        assertEquals(ApiResponse.JSON, response.contentType());
        return read(response.body());
    }

    // ---- helpers

    private static JsonObject awaitListed(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (JsonValue sheet : json(expect(200, get("/api/sheets"))).getJsonArray("sheets")) {
                if (sheet.asJsonObject().getString("id").equals(id)) {
                    return sheet.asJsonObject();
                }
            }
            assertTrue(System.nanoTime() < deadline, "sheet " + id + " not listed within 10 s");
            Thread.sleep(20);
        }
    }

    private static List<String> listedIds() throws Exception {
        return json(expect(200, get("/api/sheets"))).getJsonArray("sheets").stream()
                .map(v -> v.asJsonObject().getString("id")).toList();
    }

    private static void assertAtIsIsoUtcAndInOrder(List<JsonObject> entries) {
        Instant previous = Instant.MIN;
        for (JsonObject e : entries) {
            String at = e.getString("at");
            assertTrue(at.endsWith("Z"), at);
            Instant instant = Instant.parse(at);
            assertFalse(instant.isBefore(previous), at);
            previous = instant;
        }
    }

    private static JsonObject entry(long version, String value, String by) {
        var entry = Json.createObjectBuilder().add("version", version);
        if (value == null) {
            entry.addNull("value");
        } else {
            entry.add("value", value);
        }
        return entry.add("by", by).build();
    }

    private static List<JsonObject> entries(JsonObject history) {
        return history.getJsonArray("history").stream().map(JsonValue::asJsonObject).toList();
    }

    private static String col(JsonObject applied) {
        return applied.getJsonObject("op").getString("col");
    }

    private static String rowOf(JsonObject applied) {
        return applied.getJsonObject("op").getString("row");
    }

    private static String addColumn(String sheet, String id, String name) throws Exception {
        return col(json(expect(200, post("/api/sheets/" + sheet + "/ops",
                "{\"type\":\"addColumn\",\"id\":\"" + id + "\",\"name\":" + quoted(name) + "}"))));
    }

    private static String edit(String id, String row, String col, String valueJson) {
        return "{\"type\":\"edit\",\"id\":\"" + id + "\",\"row\":\"" + row + "\",\"col\":\"" + col
                + "\",\"value\":" + valueJson + "}";
    }

    private static String quoted(String text) {
        return Json.createArrayBuilder().add(text).build().get(0).toString();
    }

    private static String allow(HttpResponse<String> response) {
        assertEquals(405, response.statusCode(), response.body());
        assertEquals("method-not-allowed", json(response).getString("code"));
        return response.headers().firstValue("Allow").orElseThrow();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path);
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return ApiTraffic.http(HTTP.send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return ApiTraffic.http(HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()), body);
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        return response;
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").replace(";charset", "; charset");
    }

    private static JsonObject json(HttpResponse<String> response) {
        return read(response.body());
    }

    private static JsonObject read(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** A JDK WebSocket client on a sheet that reads messages as JSON. */
    private static final class Client {
        final WsEvents events = new WsEvents("sheets");
        WebSocket ws;
        JsonObject welcome;
        String you;

        static Client join(String sheet) throws Exception {
            Client c = new Client();
            c.ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/sheets/" + sheet), c.events).join();
            c.welcome = c.next("welcome");
            c.you = c.welcome.getString("you");
            return c;
        }

        /** Sends an op and returns its {@code applied} (the author's copy is its ack). */
        JsonObject op(String json) throws Exception {
            String id = read(json).getString("id");
            ws.sendText(json, true).join();
            while (true) {
                JsonObject m = next("applied", "rejected");
                assertEquals("applied", m.getString("type"), m.toString());
                if (id.equals(m.getString("id", null))) {
                    return m;
                }
            }
        }

        /** The next message of one of these types, skipping others (presence). */
        JsonObject next(String... types) throws Exception {
            while (true) {
                JsonObject m = read(events.nextText());
                if (List.of(types).contains(m.getString("type"))) {
                    return m;
                }
            }
        }

        /** Reads up to the close and returns its {@code "code reason"}; messages before it are skipped. */
        String closeCode() throws Exception {
            List<String> skipped = new ArrayList<>();
            while (true) {
                WsEvents.Event event = events.nextIgnoringPings();
                if (event.kind().equals("close")) {
                    return (String) event.data();
                }
                assertTrue(event.kind().equals("text"), "before the close: " + event + " after " + skipped);
                skipped.add((String) event.data());
            }
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }
    }
}
