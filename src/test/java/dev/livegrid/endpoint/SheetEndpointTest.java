package dev.livegrid.endpoint;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.WsEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.WebSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /sheets/{sheetId}} over real sockets: join, edit, conflict, presence, bad input. */
class SheetEndpointTest {

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
    void demoSheetStartsAsTheSeedsTable() throws Exception {
        Client alice = Client.join("demo", "Alice");
        JsonObject welcome = alice.welcome;
        assertEquals("demo", welcome.getString("sheet"));
        assertEquals("[\"name\",\"age\",\"gender\",\"hobby\",\"skill\"]",
                welcome.getJsonArray("columns").stream().map(c -> "\"" + c.asJsonObject().getString("id") + "\"")
                        .toList().toString().replace(" ", ""));
        assertEquals("名称", welcome.getJsonArray("columns").getJsonObject(0).getString("name"));
        assertEquals("小明", welcome.getJsonArray("rows").getJsonObject(0).getJsonObject("cells")
                .getJsonObject("name").getString("value"));
        assertEquals(3, welcome.getJsonArray("rows").size());
    }

    @Test
    void editReachesEveryViewerInVersionOrder() throws Exception {
        Client alice = Client.join("edits", "Alice");
        Client bob = Client.join("edits", "Bob");
        alice.send("{\"type\":\"addColumn\",\"id\":\"a1\",\"name\":\"email\"}");
        JsonObject added = alice.next("applied");
        assertEquals(added, bob.next("applied"));
        String col = added.getJsonObject("op").getString("col");
        alice.send("{\"type\":\"insertRow\",\"id\":\"a2\",\"cells\":{\"" + col + "\":\"a@x\"}}");
        JsonObject inserted = bob.next("applied");
        assertEquals(inserted, alice.next("applied"));
        assertEquals(added.getInt("version") + 1, inserted.getInt("version"));
        String row = inserted.getJsonObject("op").getString("row");
        bob.send("{\"type\":\"edit\",\"id\":\"b1\",\"row\":\"" + row + "\",\"col\":\"" + col + "\",\"value\":\"b@x\"}");
        JsonObject edit = alice.next("applied");
        assertEquals("b1", edit.getString("id"));
        assertEquals("b@x", edit.getJsonObject("op").getString("value"));
    }

    @Test
    void lostCompareAndSetIsRejectedWithTheWinningValue() throws Exception {
        Client alice = Client.join("cas", "Alice");
        Client bob = Client.join("cas", "Bob");
        alice.send("{\"type\":\"addColumn\",\"id\":\"c\",\"name\":\"n\"}");
        String col = alice.next("applied").getJsonObject("op").getString("col");
        alice.send("{\"type\":\"insertRow\",\"id\":\"r\"}");
        JsonObject inserted = alice.next("applied");
        String row = inserted.getJsonObject("op").getString("row");
        bob.next("applied");
        bob.next("applied");
        alice.send(edit("a-win", row, col, "alice", 0));
        alice.next("applied");
        bob.send(edit("b-lose", row, col, "bob", 0));
        JsonObject rejected = bob.next("rejected");
        assertEquals("conflict", rejected.getString("code"));
        assertEquals("alice", rejected.getJsonObject("current").getString("value"));
    }

    @Test
    void malformedFramesGetAnErrorAndTheConnectionStaysUsable() throws Exception {
        Client alice = Client.join("bad", "Alice");
        for (String bad : new String[]{"not json", "{\"type\":\"explode\"}", "[1,2]", "{\"id\":\"x\"}",
                "{\"type\":\"edit\",\"row\":\"r\",\"col\":\"c\"}", "{\"type\":\"edit\",\"id\":\"bad id!\"}"}) {
            alice.send(bad);
            JsonObject error = alice.next("error");
            assertEquals("bad-message", error.getString("code"), bad);
        }
        alice.send("{\"type\":\"addColumn\",\"id\":\"ok\",\"name\":\"still works\"}");
        assertEquals("ok", alice.next("applied").getString("id"));
    }

    @Test
    void presenceShowsWhoIsHereAndWhere() throws Exception {
        Client alice = Client.join("demo", "Alice");
        Client bob = Client.join("demo", "Bob");
        bob.send("{\"type\":\"focus\",\"row\":\"seed1\",\"col\":\"age\"}");
        while (!bobIsOn(alice.next("presence"), "seed1", "age")) {
            // earlier presence messages, before Bob's focus arrived
        }
    }

    private static boolean bobIsOn(JsonObject presence, String row, String col) {
        return presence.getJsonArray("users").stream().map(u -> u.asJsonObject())
                .anyMatch(u -> u.getString("name").equals("Bob") && !u.isNull("focus")
                        && u.getJsonObject("focus").getString("row").equals(row)
                        && u.getJsonObject("focus").getString("col").equals(col));
    }

    private static String edit(String id, String row, String col, String value, long base) {
        return "{\"type\":\"edit\",\"id\":\"" + id + "\",\"row\":\"" + row + "\",\"col\":\"" + col
                + "\",\"value\":\"" + value + "\",\"base\":" + base + "}";
    }

    /** A JDK WebSocket client on a sheet that reads messages as JSON. */
    private static final class Client {
        final WsEvents events = new WsEvents();
        WebSocket ws;
        JsonObject welcome;

        static Client join(String sheet, String name) throws Exception {
            Client c = new Client();
            c.ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/sheets/" + sheet + "?name=" + name),
                    c.events).join();
            c.welcome = c.next("welcome");
            return c;
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        /** The next message of this type, skipping others (presence, acks of other tests). */
        JsonObject next(String type) throws Exception {
            while (true) {
                JsonObject m = Json.createReader(new StringReader(events.nextText())).readObject();
                if (m.getString("type").equals(type)) {
                    return m;
                }
            }
        }
    }
}
