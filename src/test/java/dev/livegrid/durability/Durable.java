package dev.livegrid.durability;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.TableModel;
import dev.livegrid.support.TestSettings;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What the durability tests share: servers on a data directory, sockets and HTTP calls to them. */
final class Durable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Durable() {
    }

    /** Loopback settings with the store in {@code dataDir} and a rate limit no test reaches. */
    static Settings settings(Path dataDir) {
        return TestSettings.loopback().with(Setting.DATA_DIR, dataDir.toString()).with(Setting.OP_RATE, "100000");
    }

    static LiveGridServer start(Path dataDir) throws Exception {
        return LiveGridServer.start(settings(dataDir));
    }

    static URI sheetUri(LiveGridServer server, String sheet, String query) {
        return server.webSocketUri("/sheets/" + sheet + query);
    }

    /** A new client on the sheet, after its (full) welcome. */
    static SheetClient join(LiveGridServer server, String sheet) throws Exception {
        return SheetClient.join(sheetUri(server, sheet, ""));
    }

    /** The table a new joiner gets. */
    static TableModel welcomeTable(LiveGridServer server, String sheet) throws Exception {
        try (SheetClient client = join(server, sheet)) {
            return TableModel.fromWelcome(client.awaitWelcome());
        }
    }

    static HttpResponse<String> get(LiveGridServer server, String path) throws Exception {
        return ApiTraffic.http(HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30)).GET()
                .build(), HttpResponse.BodyHandlers.ofString()));
    }

    static HttpResponse<String> post(LiveGridServer server, String path, String body) throws Exception {
        return ApiTraffic.http(HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()), body);
    }

    /** {@code GET /api/sheets/{id}}: must be 200; its body. */
    static String getSheet(LiveGridServer server, String sheet) throws Exception {
        HttpResponse<String> response = get(server, "/api/sheets/" + sheet);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** {@code GET path}: must be 200; its body. */
    static String getBody(LiveGridServer server, String path) throws Exception {
        HttpResponse<String> response = get(server, path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The next message after the welcome, whatever its type (presence is not queued). */
    static JsonObject nextMessage(SheetClient client) throws Exception {
        JsonObject m = client.poll(SheetClient.TIMEOUT);
        assertNotNull(m, "no message within " + SheetClient.TIMEOUT);
        if (m.getString("type").equals("welcome")) {
            m = client.poll(SheetClient.TIMEOUT);
            assertNotNull(m, "no message after the welcome within " + SheetClient.TIMEOUT);
        }
        return m;
    }

    static long version(JsonObject message) {
        return message.getJsonNumber("version").longValueExact();
    }
}
