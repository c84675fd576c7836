package dev.livegrid.http;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.TableModel;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/sheets/{id}/import} on the standalone server: a file reaches every viewer as one
 * version, an import is never applied twice, and every refusal says why with its own status.
 */
@Timeout(60)
class CsvImportApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Tokens TOKENS = Tokens.hs256();
    private static final String PEOPLE = "name,age\r\nMing,18\r\n\"Hong, Jr.\",\"line 1\nline 2\"\r\n";
    private static LiveGridServer server;
    private static LiveGridServer signedIn;

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback().with(Setting.OUTBOX_LIMIT, "64KiB"));
        signedIn = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)));
    }

    @AfterAll
    static void stop() {
        server.close();
        signedIn.close();
    }

    @Test
    void aFileImportedIntoAnEmptySheetReachesItsViewersAsOneVersion() throws Exception {
        try (SheetClient viewer = SheetClient.join(server.webSocketUri("/sheets/imported"))) {
            HttpResponse<String> response = importCsv(server, "imported", PEOPLE, null);

            assertEquals(200, response.statusCode(), response.body());
            assertEquals(json("{\"sheet\":\"imported\",\"version\":1,\"columns\":2,\"rows\":2}"),
                    withoutId(json(response.body())));
            JsonObject applied = viewer.next("applied");
            assertEquals(1, applied.getJsonNumber("version").longValueExact());
            assertEquals("batch", applied.getJsonObject("op").getString("type"));
            assertEquals(4, applied.getJsonObject("op").getJsonArray("ops").size(), "2 columns and 2 rows in one op");
            viewer.awaitVersion(1, SheetClient.TIMEOUT);
            TableModel fetched = TableModel.fromWelcome(json(get(server, "/api/sheets/imported").body()));
            assertEquals(viewer.table(), fetched, viewer.table().firstDifference(fetched));
            assertEquals("line 1\nline 2", fetched.cell(fetched.rowIds().get(1), fetched.columnIds().get(1)).value());
        }
    }

    @Test
    void importingIntoANewIdCreatesTheSheet() throws Exception {
        HttpResponse<String> response = importCsv(server, "brand-new", "a\n1\n2\n3\n", null);

        assertEquals(201, response.statusCode(), response.body());
        assertEquals(3, json(response.body()).getInt("rows"));
        assertEquals(200, get(server, "/api/sheets/brand-new").statusCode());
    }

    @Test
    void aSheetWithContentIsRefusedButTheSameImportResentLearnsItsFirstOutcome() throws Exception {
        HttpResponse<String> first = importCsv(server, "resent", PEOPLE, "import-7f3a");
        HttpResponse<String> again = importCsv(server, "resent", PEOPLE, "import-7f3a");
        HttpResponse<String> other = importCsv(server, "resent", "x\n1\n", "import-other");
        HttpResponse<String> unkeyed = importCsv(server, "resent", PEOPLE, null);

        assertEquals(201, first.statusCode(), first.body());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(json(first.body()), json(again.body()), "the resend is answered as the import was, version and all");
        assertEquals(409, other.statusCode());
        assertEquals("not-empty", json(other.body()).getString("code"));
        assertEquals("sheet 'resent' has 2 columns and 2 rows; import into a new or empty sheet",
                json(other.body()).getString("message"));
        assertEquals(409, unkeyed.statusCode(), "without a key a resend is a new import: refused, never applied twice");
        assertEquals(1, json(get(server, "/api/sheets/resent").body()).getInt("version"));
    }

    @Test
    void badFilesAndBadRequestsAreRefusedWithTheirOwnStatus() throws Exception {
        assertRefused(415, "unsupported-media-type", post(server, "/api/sheets/bad/import", PEOPLE, "application/json", null));
        assertRefused(400, "bad-csv", importCsv(server, "bad", "", null));
        assertRefused(400, "bad-csv", importCsv(server, "bad", "a,b\n1,2,3\n", null));
        assertRefused(400, "bad-csv", importCsv(server, "bad", "a\n\"unclosed\n", null));
        HttpResponse<String> badName = importCsv(server, "bad", "a,\"b\u0001\"\n", null);
        assertRefused(400, "invalid", badName);
        assertTrue(json(badName.body()).getString("message").startsWith("header field 2: "), badName.body());
        assertRefused(405, null, ApiTraffic.http(HTTP.send(request(server, "/api/sheets/bad/import").GET().build(),
                HttpResponse.BodyHandlers.ofString())));
        assertRefused(403, null, post(server, "/api/sheets/bad/import", PEOPLE, "text/csv",
                Map.of("Origin", "https://elsewhere.example")));
        assertRefused(400, "bad-header", post(server, "/api/sheets/bad/import", PEOPLE, "text/csv",
                Map.of("Idempotency-Key", "not an id")));
        assertEquals(404, get(server, "/api/sheets/bad").statusCode(), "nothing refused created the sheet");
    }

    @Test
    void aFileLargerThanOneOpMayBeIsRefusedAsTooLarge() throws Exception {
        // outbox-limit 64 KiB here: an op may be 32 KiB; 1,000 rows of two cells are about 50 KiB as applied
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; i < 1_000; i++) {
            text.append(i).append(",some words\n");
        }

        HttpResponse<String> response = importCsv(server, "too-big", text.toString(), null);

        assertRefused(413, "too-large", response);
        assertTrue(json(response.body()).getString("message").contains("half of outbox-limit"), response.body());
    }

    @Test
    void signedInTheImportTakesTheEditorRoleAndItsCreatorOwnsTheNewSheet() throws Exception {
        String viewer = TOKENS.withRole("vera", "viewer");
        String editor = TOKENS.withRole("ed", "editor");

        assertRefused(401, null, post(signedIn, "/api/sheets/team/import", PEOPLE, "text/csv", null));
        assertRefused(404, "no-such-sheet", post(signedIn, "/api/sheets/team/import", PEOPLE, "text/csv",
                Map.of("Authorization", "Bearer " + viewer)));
        HttpResponse<String> created = post(signedIn, "/api/sheets/team/import", PEOPLE, "text/csv",
                Map.of("Authorization", "Bearer " + editor));
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> access = HTTP.send(request(signedIn, "/api/sheets/team/access")
                .header("Authorization", "Bearer " + editor).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, access.statusCode(), access.body());
        assertTrue(access.body().contains("{\"user\":\"ed\",\"role\":\"owner\"}"), access.body());
        assertRefused(403, "forbidden", post(signedIn, "/api/sheets/team/import", PEOPLE, "text/csv",
                Map.of("Authorization", "Bearer " + viewer)));
    }

    private static void assertRefused(int status, String code, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        if (code != null) {
            assertEquals(code, json(response.body()).getString("code"), response.body());
        }
    }

    private static HttpResponse<String> importCsv(LiveGridServer on, String sheet, String csv, String key) throws Exception {
        return post(on, "/api/sheets/" + sheet + "/import", csv, "text/csv; charset=utf-8",
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private static HttpResponse<String> post(LiveGridServer on, String path, String body, String type,
                                             Map<String, String> headers) throws Exception {
        HttpRequest.Builder builder = request(on, path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            builder.header("Content-Type", type);
        }
        (headers == null ? Map.<String, String>of() : headers).forEach(builder::header);
        return ApiTraffic.http(HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpResponse<String> get(LiveGridServer on, String path) throws Exception {
        return ApiTraffic.http(HTTP.send(request(on, path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpRequest.Builder request(LiveGridServer on, String path) {
        return HttpRequest.newBuilder(URI.create(on.baseUri() + path.substring(1))).timeout(Duration.ofSeconds(20));
    }

    private static JsonObject withoutId(JsonObject o) {
        assertTrue(o.getString("id").matches("import-[0-9a-f]{32}"), o.toString());
        return Json.createObjectBuilder(o).remove("id").build();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
