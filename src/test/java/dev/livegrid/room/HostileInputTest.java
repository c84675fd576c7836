package dev.livegrid.room;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input that once broke a sheet or the whole server (issue 9), over real sockets and HTTP: text with
 * a lone surrogate, binary frames, ops by another client under a copied id, a cursor on a row that is
 * deleted, and a sheet grown past its size limit. After each, the sheet and the server keep working.
 */
@Timeout(120)
class HostileInputTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Small enough to fill with a few large values. */
    private static final long SHEET_SIZE = 64 * 1024;

    private static LiveGridServer server;
    private final List<SheetClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback().with(Setting.MAX_SHEET_SIZE, String.valueOf(SHEET_SIZE)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SheetClient::close);
    }

    /**
     * A JSON escape of a lone surrogate used to be committed, then kill the room's thread while its
     * applied message was encoded: later ops got no answer and, once the socket left, every request
     * for the sheet hung, until the whole server stopped answering.
     */
    @Test
    void aLoneSurrogateIsRefusedAsBadMessageEverywhereAndTheSheetKeepsWorking() throws Exception {
        SheetClient alice = join("surrogate");
        alice.sendOp(SheetOps.addColumn("a1", "name", null));
        alice.sendOp(SheetOps.insertRow("a2", null, Map.of()));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = alice.table().columnIds().get(0);
        String row = alice.table().rowIds().get(0);
        String bad = "{\"type\":\"edit\",\"id\":\"bad\",\"row\":\"" + row + "\",\"col\":\"" + col + "\",\"value\":\"\\ud800\"}";

        alice.send(bad);
        JsonObject error = alice.next("error");
        assertEquals("bad-message", error.getString("code"));
        assertTrue(error.getString("message").contains("lone surrogate"), error.toString());

        HttpResponse<String> overHttp = post("/api/sheets/surrogate/ops", bad);
        assertEquals(400, overHttp.statusCode(), overHttp.body());
        assertEquals("bad-message", json(overHttp.body()).getString("code"));
        HttpResponse<String> legacy = post("/input-change", "{\"index\":0,\"forms\":\"name\",\"value\":\"\\ud800\"}");
        assertEquals(400, legacy.statusCode(), legacy.body());

        alice.sendOp(SheetOps.edit("good", row, col, "fine \ud83d\ude00", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals("fine \ud83d\ude00", alice.table().cell(row, col).value());
        alice.close();
        HttpResponse<String> snapshot = get("/api/sheets/surrogate");
        assertEquals(200, snapshot.statusCode());
        assertEquals(3, json(snapshot.body()).getInt("version"), "the bad edit was never applied");
        assertEquals(200, get("/api/sheets").statusCode());
    }

    /** Binary frames used to be ignored silently; they are answered and count toward the 1008 limit. */
    @Test
    void binaryFramesAreAnsweredWithAnErrorAndCountTowardTheRefusalLimit() throws Exception {
        SheetClient client = join("binary");

        client.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}));
        JsonObject error = client.next("error");
        assertEquals("bad-message", error.getString("code"));
        assertTrue(error.getString("message").contains("binary"), error.toString());

        for (int i = 1; i < Member.MAX_STRIKES; i++) {
            client.sendBinary(ByteBuffer.wrap(new byte[]{(byte) i}));
        }
        assertEquals(1008, client.awaitClose(SheetClient.TIMEOUT).code());
    }

    /**
     * B sends an op with A's op id and A's content: it used to be taken for A's resend and answered
     * with A's ack, unapplied. De-duplication matches the author too.
     */
    @Test
    void anotherClientsOpWithTheSameIdAndContentIsAppliedNotTakenForAResend() throws Exception {
        SheetClient alice = join("copied-id");
        SheetClient bob = join("copied-id");
        String frame = SheetOps.addColumn("op-1", "same", null);
        alice.sendOp(frame);
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        bob.awaitVersion(1, SheetClient.TIMEOUT);

        bob.sendOp(frame);
        bob.awaitVersion(2, SheetClient.TIMEOUT);

        assertEquals(2, bob.table().columns().size(), "Bob's op was applied as an op of its own");
    }

    /** Presence used to keep a cursor on a row (or column) that had been deleted. */
    @Test
    void deletingARowOrColumnTakesTheCursorsOnItAlong() throws Exception {
        SheetClient alice = join("cursor");
        alice.sendOp(SheetOps.addColumn("a1", "x", null));
        alice.sendOp(SheetOps.addColumn("a2", "y", null));
        alice.sendOp(SheetOps.insertRow("a3", null, Map.of()));
        alice.sendOp(SheetOps.insertRow("a4", null, Map.of()));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        List<String> cols = alice.table().columnIds();
        List<String> rows = alice.table().rowIds();
        SheetClient bob = new SheetClient().keepPresence(true);
        clients.add(bob);
        bob.connect(uri("cursor"));
        bob.awaitWelcome();

        alice.send("{\"type\":\"focus\",\"row\":\"" + rows.get(0) + "\",\"col\":\"" + cols.get(0) + "\"}");
        awaitFocus(bob, alice.you(), rows.get(0));
        bob.sendOp(SheetOps.deleteRow("b1", rows.get(0)));
        awaitFocus(bob, alice.you(), null);

        alice.send("{\"type\":\"focus\",\"row\":\"" + rows.get(1) + "\",\"col\":\"" + cols.get(1) + "\"}");
        awaitFocus(bob, alice.you(), rows.get(1));
        bob.sendOp(SheetOps.deleteColumn("b2", cols.get(1)));
        awaitFocus(bob, alice.you(), null);
    }

    /**
     * Values within every per-field limit could grow a sheet until building one welcome ran the server
     * out of memory. A sheet is bounded by max-sheet-size; an op beyond is too-large, and the sheet
     * still loads and welcomes.
     */
    @Test
    void aSheetCannotGrowPastItsSizeLimitAndStillWelcomesJoiners() throws Exception {
        SheetClient writer = join("big");
        writer.sendOp(SheetOps.addColumn("a1", "x", null));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = writer.table().columnIds().get(0);
        String value = "v".repeat(9_000);
        int rows = 0;
        String code = null;
        for (int i = 0; i < 20 && code == null; i++) {
            HttpResponse<String> r = post("/api/sheets/big/ops", SheetOps.insertRow("r" + i, null, Map.of(col, value)));
            if (r.statusCode() == 200) {
                rows++;
            } else {
                JsonObject rejected = json(r.body());
                code = rejected.getString("code");
                assertTrue(rejected.getString("message").contains("max-sheet-size"), r.body());
                assertEquals(409, r.statusCode());
            }
        }
        assertEquals("too-large", code);
        assertEquals((int) (SHEET_SIZE / 9_000), rows, "rows of 9,000 bytes in 64 KiB");

        JsonObject welcome = join("big").awaitWelcome();
        assertEquals(rows, welcome.getJsonArray("rows").size());
        assertTrue(welcome.toString().length() <= SHEET_SIZE, "the welcome is about the sheet's size");
    }

    // ---- helpers ----

    private void awaitFocus(SheetClient watcher, String user, String row) throws Exception {
        watcher.awaitUsers(users -> users.containsKey(user) && java.util.Objects.equals(users.get(user).row(), row),
                SheetClient.TIMEOUT, user + " shown at row " + row);
    }

    private SheetClient join(String sheet) throws Exception {
        SheetClient client = SheetClient.join(uri(sheet));
        clients.add(client);
        return client;
    }

    private static URI uri(String sheet) {
        return server.webSocketUri("/sheets/" + sheet);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return ApiTraffic.http(HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(15))
                .GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return ApiTraffic.http(HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()), body);
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
