package dev.livegrid.http;

import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.WsEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API on the standalone server: snapshots, CSV, ops by POST, the legacy edit, and errors. */
class SheetApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
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
    void snapshotOfDemoIsTheSeedsTableWithItsVersionAsETag() throws Exception {
        HttpResponse<String> response = get("/api/sheets/demo");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", contentType(response));
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
        JsonObject sheet = json(response);
        assertEquals("demo", sheet.getString("sheet"));
        assertEquals("\"" + sheet.getString("incarnation") + "." + sheet.getJsonNumber("version").longValue() + "\"",
                response.headers().firstValue("ETag").orElseThrow());
        assertEquals(List.of("name", "age", "gender", "hobby", "skill"), strings(sheet, "columns", "id"));
        assertEquals(List.of("名称", "年龄", "性别", "爱好", "技能"), strings(sheet, "columns", "name"));
        assertEquals(List.of("seed1", "seed2", "seed3"), strings(sheet, "rows", "id"));
        JsonObject firstName = sheet.getJsonArray("rows").getJsonObject(0).getJsonObject("cells").getJsonObject("name");
        assertEquals("小明", firstName.getString("value"));
        assertEquals(0, firstName.getInt("version"));
    }

    @Test
    void matchingIfNoneMatchGets304UntilAnOpChangesTheVersion() throws Exception {
        Client.join("etag").close();
        String k = json(get("/api/sheets/etag")).getString("incarnation");
        String v0 = "\"" + k + ".0\"";
        assertEquals(v0, get("/api/sheets/etag").headers().firstValue("ETag").orElseThrow());
        for (String ifNoneMatch : new String[]{v0, "*", "\"" + k + ".7\", W/" + v0}) {
            HttpResponse<String> notModified = get("/api/sheets/etag", "If-None-Match", ifNoneMatch);
            assertEquals(304, notModified.statusCode(), ifNoneMatch);
            assertEquals("", notModified.body());
            assertEquals(v0, notModified.headers().firstValue("ETag").orElseThrow());
        }
        assertEquals(200, post("/api/sheets/etag/ops", "{\"type\":\"addColumn\",\"id\":\"e1\",\"name\":\"n\"}").statusCode());
        HttpResponse<String> changed = get("/api/sheets/etag", "If-None-Match", v0);
        assertEquals(200, changed.statusCode());
        assertEquals("\"" + k + ".1\"", changed.headers().firstValue("ETag").orElseThrow());
        assertEquals(1, json(changed).getInt("version"));
    }

    /**
     * Issue 9: versions restart at 0 when a sheet is deleted and created again, so an ETag of the old
     * sheet used to answer 304 for the new sheet's different content. The incarnation in the tag tells
     * them apart.
     */
    @Test
    void anETagOfADeletedSheetNeverMatchesTheSheetCreatedAgainUnderItsId() throws Exception {
        Client.join("reborn").close();
        post("/api/sheets/reborn/ops", "{\"type\":\"addColumn\",\"id\":\"o1\",\"name\":\"old\"}");
        HttpResponse<String> old = get("/api/sheets/reborn");
        String oldTag = old.headers().firstValue("ETag").orElseThrow();
        assertEquals(204, delete("/api/sheets/reborn").statusCode());
        Client.join("reborn").close();
        post("/api/sheets/reborn/ops", "{\"type\":\"addColumn\",\"id\":\"o1\",\"name\":\"new\"}");

        HttpResponse<String> reborn = get("/api/sheets/reborn", "If-None-Match", oldTag);

        assertEquals(200, reborn.statusCode(), "the old sheet's tag " + oldTag);
        assertEquals(1, json(reborn).getInt("version"), "the same version as the old sheet had");
        assertFalse(oldTag.equals(reborn.headers().firstValue("ETag").orElseThrow()));
        assertFalse(json(old).getString("incarnation").equals(json(reborn).getString("incarnation")));
    }

    @Test
    void csvExportRoundTripsQuotesCommasLineBreaksAndNonAscii() throws Exception {
        Client.join("csv").close();
        String a = addColumn("csv", "a1", "plain", null);
        String b = addColumn("csv", "a2", "with, comma", a);
        String c = addColumn("csv", "a3", "say \"名前\"", b);
        String first = insertRow("csv", "r1", null, "{\"" + a + "\":\"x,y\",\"" + b + "\":\"he said \\\"no\\\"\",\""
                + c + "\":\"line1\\nline2\"}");
        insertRow("csv", "r2", first, "{\"" + a + "\":\"crlf\\r\\nend\",\"" + c + "\":\"日本語 ✓ 😀\"}");
        HttpResponse<byte[]> response = HTTP.send(request("/api/sheets/csv.csv").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("text/csv; charset=utf-8", contentType(response));
        assertEquals("attachment; filename=\"csv.csv\"",
                response.headers().firstValue("Content-Disposition").orElseThrow());
        byte[] bytes = response.body();
        assertFalse(bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB, "no byte order mark");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\r\n"), text);
        assertEquals(List.of(
                List.of("plain", "with, comma", "say \"名前\""),
                List.of("x,y", "he said \"no\"", "line1\nline2"),
                List.of("crlf\r\nend", "", "日本語 ✓ 😀")), Rfc4180.parse(text));
    }

    @Test
    void csvExportNeutralisesFormulasInNamesAndValuesButNotPlainNumbers() throws Exception {
        Client.join("formulas").close();
        String dde = addColumn("formulas", "f1", "=cmd|' /C calc'!A0", null);
        String value = addColumn("formulas", "f2", "value", dde);
        List<String> stored = List.of("=HYPERLINK(\"http://evil.example/\",\"click\")", "@SUM(1)", "+1+1", "-2+3",
                "\tTAB", "\rCR", "-12", "-0.5", "42", "+5", "-1e5", "-", "1-2", "a=b", " =1");
        String after = null;
        for (int i = 0; i < stored.size(); i++) {
            after = insertRow("formulas", "fr" + i, after, Json.createObjectBuilder()
                    .add(dde, "row " + i).add(value, stored.get(i)).build().toString());
        }

        List<List<String>> safe = Rfc4180.parse(expect(200, get("/api/sheets/formulas.csv")).body());
        assertEquals(List.of("'=cmd|' /C calc'!A0", "value"), safe.get(0));
        List<String> neutralised = List.of("'=HYPERLINK(\"http://evil.example/\",\"click\")", "'@SUM(1)", "'+1+1",
                "'-2+3", "'\tTAB", "'\rCR", "-12", "-0.5", "42", "'+5", "'-1e5", "'-", "1-2", "a=b", " =1");
        assertEquals(neutralised, safe.subList(1, safe.size()).stream().map(r -> r.get(1)).toList());
        assertEquals(safe, Rfc4180.parse(expect(200, get("/api/sheets/formulas.csv?raw=false")).body()));

        List<List<String>> raw = Rfc4180.parse(expect(200, get("/api/sheets/formulas.csv?raw=true")).body());
        assertEquals(List.of("=cmd|' /C calc'!A0", "value"), raw.get(0));
        assertEquals(stored, raw.subList(1, raw.size()).stream().map(r -> r.get(1)).toList());

        for (String bad : new String[]{"raw=yes", "raw", "raw=TRUE", "raw=true&raw=true"}) {
            HttpResponse<String> refused = expect(400, get("/api/sheets/formulas.csv?" + bad));
            assertEquals("bad-query", json(refused).getString("code"), bad);
        }
    }

    @Test
    void aBaseBeyondALongIsABadMessageOnTheSocketAndOverHttp() throws Exception {
        String frame = "{\"type\":\"edit\",\"id\":\"big\",\"row\":\"seed1\",\"col\":\"age\",\"value\":\"1\","
                + "\"base\":99999999999999999999}";
        String problem = "\"base\" is out of range: a cell's version is a whole number of at most 9223372036854775807";
        HttpResponse<String> posted = expect(400, post("/api/sheets/demo/ops", frame));
        assertEquals("bad-message", json(posted).getString("code"));
        assertEquals(problem, json(posted).getString("message"));

        Client socket = Client.join("demo");
        socket.ws.sendText(frame, true).join();
        JsonObject error = socket.next("error");
        assertEquals("bad-message", error.getString("code"));
        assertEquals(problem, error.getString("message"));
        socket.close();
    }

    @Test
    void postedOpIsAppliedAtTheNextVersionAndReachesSocketsAsTheSameMessage() throws Exception {
        Client viewer = Client.join("posted");
        HttpResponse<String> response = post("/api/sheets/posted/ops",
                "{\"type\":\"addColumn\",\"id\":\"p1\",\"name\":\"email\"}");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", contentType(response));
        JsonObject applied = json(response);
        assertEquals("applied", applied.getString("type"));
        assertEquals(viewer.welcome.getInt("version") + 1, applied.getInt("version"));
        assertEquals("http", applied.getString("by"));
        assertEquals("p1", applied.getString("id"));
        assertEquals("email", applied.getJsonObject("op").getString("name"));
        assertEquals(applied, viewer.next("applied"));
        viewer.close();
    }

    @Test
    void lostCompareAndSetIs409WithTheCurrentCell() throws Exception {
        Client.join("cas").close();
        String col = addColumn("cas", "c1", "n", null);
        String row = insertRow("cas", "c2", null, "{}");
        assertEquals(200, post("/api/sheets/cas/ops", edit("c3", row, col, "won", 0)).statusCode());
        HttpResponse<String> lost = post("/api/sheets/cas/ops", edit("c4", row, col, "lost", 0));
        assertEquals(409, lost.statusCode());
        JsonObject rejected = json(lost);
        assertEquals("rejected", rejected.getString("type"));
        assertEquals("c4", rejected.getString("id"));
        assertEquals("conflict", rejected.getString("code"));
        assertEquals("won", rejected.getJsonObject("current").getString("value"));
        assertEquals(3, rejected.getJsonObject("current").getInt("version"));
    }

    @Test
    void invalidInputIs400WithACodeAndAMessage() throws Exception {
        Client.join("invalid").close();
        String[][] cases = {
                {"not json", "bad-message"},
                {"{\"type\":\"explode\",\"id\":\"x\"}", "bad-message"},
                {"{\"type\":\"addColumn\",\"name\":\"no id\"}", "bad-message"},
                {"{\"type\":\"focus\",\"row\":\"r\",\"col\":\"c\"}", "bad-message"},
                {"{\"type\":\"blur\"}", "bad-message"},
                {"{\"type\":\"addColumn\",\"id\":\"i1\",\"name\":\" \"}", "invalid"},
                {"{\"type\":\"deleteRow\",\"id\":\"i2\",\"row\":\"bad row!\"}", "invalid"}};
        for (String[] c : cases) {
            HttpResponse<String> response = post("/api/sheets/invalid/ops", c[0]);
            assertEquals(400, response.statusCode(), c[0]);
            assertEquals("application/json; charset=utf-8", contentType(response));
            assertEquals(c[1], json(response).getString("code"), c[0]);
            assertFalse(json(response).getString("message").isBlank(), c[0]);
        }
        assertEquals(0, json(get("/api/sheets/invalid")).getInt("version"));
    }

    @Test
    void unknownSheetIs404() throws Exception {
        for (HttpResponse<String> response : List.of(get("/api/sheets/never-made"), get("/api/sheets/never-made.csv"),
                post("/api/sheets/never-made/ops", "{\"type\":\"addColumn\",\"id\":\"x\",\"name\":\"n\"}"),
                get("/api/sheets/not%20an%20id"))) {
            assertEquals(404, response.statusCode(), response.uri().toString());
            assertEquals("no-such-sheet", json(response).getString("code"));
        }
    }

    @Test
    void legacyInputChangeWithTextAfterTheJsonIs400AndChangesNothing() throws Exception {
        long before = json(get("/api/sheets/demo")).getJsonNumber("version").longValue();
        String change = "{\"index\":2,\"forms\":\"skill\",\"value\":\"trailing\"}";
        for (String body : List.of(change + " trailing", change + change, change + "]", change + " {")) {
            HttpResponse<String> refused = expect(400, post("/input-change", body));
            assertEquals("bad-message", json(refused).getString("code"), body);
            assertEquals("the body holds exactly one JSON object; found more after it", json(refused).getString("message"), body);
        }
        assertEquals(before, json(get("/api/sheets/demo")).getJsonNumber("version").longValue());
        expect(200, post("/input-change", change + " \r\n\t"));
    }

    @Test
    void legacyInputChangeByColumnIdEditsTheDemoSheetAndReachesSockets() throws Exception {
        Client viewer = Client.join("demo");
        HttpResponse<String> response = post("/input-change", "{\"index\":1,\"forms\":\"hobby\",\"value\":\"画画\"}");
        assertEquals(200, response.statusCode());
        JsonObject applied = json(response);
        assertEquals("applied", applied.getString("type"));
        assertEquals(Json.createObjectBuilder().add("type", "edit").add("row", "seed2").add("col", "hobby")
                .add("value", "画画").build(), applied.getJsonObject("op"));
        assertEquals(applied, viewer.next("applied"));
        assertEquals("画画", demoCell(1, "hobby"));
        viewer.close();
    }

    @Test
    void legacyInputChangeByColumnNameTakesANumberAsText() throws Exception {
        HttpResponse<String> response = post("/input-change", "{\"index\":2,\"forms\":\"年龄\",\"value\":17}");
        assertEquals(200, response.statusCode());
        assertEquals("age", json(response).getJsonObject("op").getString("col"));
        assertEquals("17", demoCell(2, "age"));
    }

    @Test
    void legacyInputChangeWithABadIndexOrColumnIs404AndBadJsonIs400() throws Exception {
        long version = json(get("/api/sheets/demo")).getJsonNumber("version").longValue();
        assertEquals("no-such-row", json(expect(404, post("/input-change",
                "{\"index\":99,\"forms\":\"name\",\"value\":\"x\"}"))).getString("code"));
        assertEquals("no-such-column", json(expect(404, post("/input-change",
                "{\"index\":0,\"forms\":\"nope\",\"value\":\"x\"}"))).getString("code"));
        for (String bad : new String[]{"{\"index\":-1,\"forms\":\"name\",\"value\":\"x\"}",
                "{\"index\":0,\"value\":\"x\"}", "{\"index\":0,\"forms\":\"name\"}", "[]", "index=0"}) {
            assertEquals("bad-message", json(expect(400, post("/input-change", bad))).getString("code"), bad);
        }
        assertEquals(version, json(get("/api/sheets/demo")).getJsonNumber("version").longValue());
    }

    @Test
    void resentOpIdIsAckedWithTheOriginalAppliedAndNotAppliedTwice() throws Exception {
        Client.join("resent").close();
        String op = "{\"type\":\"addColumn\",\"id\":\"once\",\"name\":\"n\"}";
        HttpResponse<String> first = expect(200, post("/api/sheets/resent/ops", op));
        HttpResponse<String> again = expect(200, post("/api/sheets/resent/ops", op));
        assertEquals(json(first), json(again));
        assertEquals(1, json(again).getInt("version"));
        JsonObject sheet = json(get("/api/sheets/resent"));
        assertEquals(1, sheet.getInt("version"));
        assertEquals(1, sheet.getJsonArray("columns").size());
    }

    @Test
    void legacyInputChangeWithAnIdempotencyKeyIsAppliedOnceHoweverOftenItIsSent() throws Exception {
        String change = "{\"index\":1,\"forms\":\"skill\",\"value\":\"once\"}";
        HttpResponse<String> first = expect(200, post("/input-change", change, "Idempotency-Key", "legacy-retry-1"));
        assertEquals("legacy-retry-1", json(first).getString("id"));
        long version = json(first).getJsonNumber("version").longValue();
        HttpResponse<String> again = expect(200, post("/input-change", change, "Idempotency-Key", "\"legacy-retry-1\""));
        assertEquals(json(first), json(again));
        assertEquals(version, json(get("/api/sheets/demo")).getJsonNumber("version").longValue(), "not applied twice");
    }

    @Test
    void anIdempotencyKeyMustBeAnIdAndOnOpsTheOpsOwnId() throws Exception {
        Client.join("keyed").close();
        String op = "{\"type\":\"addColumn\",\"id\":\"keyed-1\",\"name\":\"k\"}";
        for (String bad : List.of("two words", "a".repeat(65), "a,b", "\"unclosed", "")) {
            assertEquals("bad-header", json(expect(400, post("/input-change",
                    "{\"index\":0,\"forms\":\"name\",\"value\":\"x\"}", "Idempotency-Key", bad))).getString("code"), bad);
            assertEquals("bad-header", json(expect(400, post("/api/sheets/keyed/ops", op, "Idempotency-Key", bad)))
                    .getString("code"), bad);
        }
        HttpResponse<String> other = expect(400, post("/api/sheets/keyed/ops", op, "Idempotency-Key", "keyed-2"));
        assertEquals("bad-header", json(other).getString("code"));
        assertTrue(json(other).getString("message").contains("keyed-1"), other.body());
        assertEquals("keyed-1", json(expect(200, post("/api/sheets/keyed/ops", op, "Idempotency-Key", "keyed-1"))).getString("id"));
    }

    @Test
    void unknownApiPathIs404AndAWrongMethodIs405WithAllow() throws Exception {
        assertEquals("not-found", json(expect(404, get("/api/nothing/here"))).getString("code"));
        assertEquals("not-found", json(expect(404, get("/api/sheets/demo/"))).getString("code"));
        HttpResponse<String> postSnapshot = expect(405, post("/api/sheets/demo", "{}"));
        assertEquals("GET, HEAD, DELETE", postSnapshot.headers().firstValue("Allow").orElseThrow());
        assertEquals("method-not-allowed", json(postSnapshot).getString("code"));
        assertEquals("POST", expect(405, get("/api/sheets/demo/ops")).headers().firstValue("Allow").orElseThrow());
        assertEquals("POST", expect(405, get("/input-change")).headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void aBodyOnGetOrDeleteIsReadAndIgnoredAndTheConnectionStaysUsable() throws Exception {
        Client.join("gone-with-body").close();
        try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
            RawWebSocket.HttpResponse snapshot = raw.exchange(request("GET", "/api/sheets/demo", "Content-Length: 5", "hello"));
            assertEquals(200, snapshot.status(), snapshot.toString());
            assertTrue(snapshot.body().startsWith("{\"sheet\":\"demo\""), snapshot.toString());
            RawWebSocket.HttpResponse csv = raw.exchange(request("GET", "/api/sheets/demo.csv", "Content-Length: 2", "\u00ff\u00fe"));
            assertEquals(200, csv.status(), csv.toString());
            RawWebSocket.HttpResponse deleted = raw.exchange(request("DELETE", "/api/sheets/gone-with-body",
                    "Transfer-Encoding: chunked", "4\r\n{}\u00ff\u00fe\r\n0\r\n\r\n"));
            assertEquals(204, deleted.status(), deleted.toString());
            RawWebSocket.HttpResponse page = raw.exchange(request("GET", "/index.html", "Content-Length: 3", "abc"));
            assertEquals(200, page.status(), page.toString());
            RawWebSocket.HttpResponse after = raw.exchange(request("GET", "/api/sheets/gone-with-body", "Content-Length: 0", ""));
            assertEquals(404, after.status(), after.toString());
        }
    }

    @Test
    void bodyOverOneMebibyteIs413() throws Exception {
        String huge = "{\"type\":\"addColumn\",\"id\":\"big\",\"name\":\"" + "x".repeat(SheetApi.MAX_BODY_BYTES) + "\"}";
        HttpResponse<String> response = expect(413, post("/api/sheets/demo/ops", huge));
        assertEquals("too-large", json(response).getString("code"));
    }

    @Test
    void chunkedBodyIsReadUpToTheLimit() throws Exception {
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Client.join("chunked").close();
        HttpResponse<String> small = http11.send(request("/api/sheets/chunked/ops").POST(chunked(
                "{\"type\":\"addColumn\",\"id\":\"k1\",\"name\":\"n\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(1, json(expect(200, small)).getInt("version"));
        String huge = "{\"type\":\"addColumn\",\"id\":\"k2\",\"name\":\"" + "x".repeat(SheetApi.MAX_BODY_BYTES) + "\"}";
        HttpResponse<String> tooLarge = http11.send(request("/api/sheets/chunked/ops").POST(chunked(huge)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("too-large", json(expect(413, tooLarge)).getString("code"));
    }

    @Test
    void bodyOfARequestAskingForAnH2cUpgradeIsReadByItsContentLength() throws Exception {
        // Grizzly passes such a body on as a stream that never ends; the JDK's HttpClient sends such requests.
        byte[] body = "{\"index\":0,\"forms\":\"nope\",\"value\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /input-change HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQBAAAAAAIAAAAA\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.write(body);
            out.flush();
            // Up to the end of the JSON body: the connection stays open.
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            for (int n; !answer.toString().endsWith("}") && (n = socket.getInputStream().read(buffer)) > 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertTrue(answer.toString().startsWith("HTTP/1.1 404 "), answer.toString());
            assertTrue(answer.toString().contains("no-such-column"), answer.toString());
        }
    }

    @Test
    void editFromAForeignBrowserOriginIs403() throws Exception {
        HttpResponse<String> response = HTTP.send(request("/input-change")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"index\":0,\"forms\":\"name\",\"value\":\"pwned\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("forbidden-origin", json(expect(403, response)).getString("code"));
        HttpResponse<String> sameOrigin = HTTP.send(request("/api/sheets/demo/ops")
                .header("Origin", "http://127.0.0.1:" + server.port())
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"blur\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, sameOrigin.statusCode(), "same origin passes the check and reaches the op's validation");
    }

    @Test
    void otherPathsStillServeTheWebapp() throws Exception {
        HttpResponse<String> page = expect(200, get("/echo.html"));
        assertTrue(page.body().startsWith("<!doctype html>"), page.body());
        assertTrue(contentType(page).startsWith("text/html"), contentType(page));
    }

    // ---- helpers

    private static String addColumn(String sheet, String id, String name, String after) throws Exception {
        String afterField = after == null ? "" : ",\"after\":\"" + after + "\"";
        HttpResponse<String> response = expect(200, post("/api/sheets/" + sheet + "/ops",
                "{\"type\":\"addColumn\",\"id\":\"" + id + "\",\"name\":" + quoted(name) + afterField + "}"));
        return json(response).getJsonObject("op").getString("col");
    }

    private static String insertRow(String sheet, String id, String after, String cells) throws Exception {
        String afterField = after == null ? "" : ",\"after\":\"" + after + "\"";
        HttpResponse<String> response = expect(200, post("/api/sheets/" + sheet + "/ops",
                "{\"type\":\"insertRow\",\"id\":\"" + id + "\",\"cells\":" + cells + afterField + "}"));
        return json(response).getJsonObject("op").getString("row");
    }

    private static String edit(String id, String row, String col, String value, long base) {
        return "{\"type\":\"edit\",\"id\":\"" + id + "\",\"row\":\"" + row + "\",\"col\":\"" + col
                + "\",\"value\":\"" + value + "\",\"base\":" + base + "}";
    }

    private static String demoCell(int index, String col) throws Exception {
        return json(get("/api/sheets/demo")).getJsonArray("rows").getJsonObject(index).getJsonObject("cells")
                .getJsonObject(col).getString("value");
    }

    private static String quoted(String text) {
        return Json.createArrayBuilder().add(text).build().get(0).toString();
    }

    private static List<String> strings(JsonObject sheet, String array, String field) {
        return sheet.getJsonArray(array).stream().map(v -> v.asJsonObject().getString(field)).toList();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder builder = request(path).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return ApiTraffic.http(HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return ApiTraffic.http(HTTP.send(builder.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()), body);
    }

    private static HttpResponse<String> delete(String path) throws Exception {
        return ApiTraffic.http(HTTP.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpRequest.BodyPublisher chunked(String body) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A keep-alive HTTP/1.1 request as raw text, with one more header and the body as sent. */
    private static String request(String method, String path, String header, String body) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n" + header + "\r\n\r\n" + body;
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        return response;
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").replace(";charset", "; charset");
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** A JDK WebSocket client on a sheet that reads messages as JSON. */
    private static final class Client {
        final WsEvents events = new WsEvents("sheets");
        WebSocket ws;
        JsonObject welcome;

        static Client join(String sheet) throws Exception {
            Client c = new Client();
            c.ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/sheets/" + sheet), c.events).join();
            c.welcome = c.next("welcome");
            return c;
        }

        /** The next message of this type, skipping others (presence). */
        JsonObject next(String type) throws Exception {
            while (true) {
                JsonObject m = Json.createReader(new StringReader(events.nextText())).readObject();
                if (m.getString("type").equals(type)) {
                    return m;
                }
            }
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }
    }

    /** Reads RFC 4180 CSV: CRLF-ended records, quoted fields with doubled quotes. */
    static final class Rfc4180 {

        static List<List<String>> parse(String text) {
            List<List<String>> records = new ArrayList<>();
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '"' && field.isEmpty()) {
                    int end = i + 1;
                    while (true) {
                        int quote = text.indexOf('"', end);
                        if (quote + 1 < text.length() && text.charAt(quote + 1) == '"') {
                            field.append(text, end, quote + 1);
                            end = quote + 2;
                        } else {
                            field.append(text, end, quote);
                            i = quote + 1;
                            break;
                        }
                    }
                } else if (c == ',') {
                    record.add(field.toString());
                    field.setLength(0);
                    i++;
                } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    record.add(field.toString());
                    field.setLength(0);
                    records.add(record);
                    record = new ArrayList<>();
                    i += 2;
                } else {
                    field.append(c);
                    i++;
                }
            }
            assertTrue(record.isEmpty() && field.isEmpty(), "the last record ends with CRLF");
            return records;
        }
    }
}
