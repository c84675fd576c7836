package dev.livegrid.endpoint;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.WsEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
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
    void presenceShowsWhoIsHereAndWhereAsChangesPerUser() throws Exception {
        try (SheetClient alice = SheetClient.join(server.webSocketUri("/sheets/presence?name=Alice"))) {
            alice.sendOp(SheetOps.addColumn("c", "age", null));
            alice.sendOp(SheetOps.insertRow("r", null, Map.of()));
            alice.awaitAllAnswered(SheetClient.TIMEOUT);
            String col = alice.table().columnIds().get(0);
            String row = alice.table().rowIds().get(0);
            alice.awaitUsers(users -> users.containsKey(alice.you()), SheetClient.TIMEOUT, "Alice hears of herself");
            alice.keepPresence(true);
            SheetClient bob = SheetClient.join(server.webSocketUri("/sheets/presence?name=Bob"));
            String bobId = bob.you();
            alice.awaitUsers(users -> users.containsKey(bobId) && users.size() == 2, SheetClient.TIMEOUT, "Bob arrives");
            JsonObject joined = alice.next("presence");
            assertEquals("Bob", joined.getJsonArray("joined").stream().map(u -> u.asJsonObject())
                    .filter(u -> u.getString("id").equals(bobId)).findFirst().orElseThrow().getString("name"));
            assertTrue(joined.toString().length() < 200, "a change names who changed, not everyone: " + joined);

            bob.send("{\"type\":\"focus\",\"row\":\"" + row + "\",\"col\":\"" + col + "\"}");
            alice.awaitUsers(users -> row.equals(users.get(bobId).row()) && col.equals(users.get(bobId).col()),
                    SheetClient.TIMEOUT, "Bob's cursor on the cell");
            assertEquals(Json.createObjectBuilder().add("type", "presence").add("moved", Json.createArrayBuilder()
                            .add(Json.createObjectBuilder().add("id", bobId).add("focus",
                                    Json.createObjectBuilder().add("row", row).add("col", col)))).build(),
                    alice.next("presence"));
            bob.send("{\"type\":\"blur\"}");
            alice.awaitUsers(users -> users.get(bobId).row() == null, SheetClient.TIMEOUT, "Bob on no cell");
            assertTrue(alice.next("presence").getJsonArray("moved").getJsonObject(0).isNull("focus"),
                    "a cursor taken off every cell is written as null");

            bob.close();
            alice.awaitUsers(users -> !users.containsKey(bobId) && users.size() == 1, SheetClient.TIMEOUT, "Bob leaves");
            assertEquals(List.of(bobId), alice.next("presence").getJsonArray("left").stream()
                    .map(id -> ((jakarta.json.JsonString) id).getString()).toList());
            assertEquals(List.of(), alice.problems());
        }
    }

    @Test
    void aUserWithTwoConnectionsIsListedOnceOnTheCellTheyMovedToLast() throws Exception {
        String key = "two-tabs-of-one-user-0001";
        URI tab = server.webSocketUri("/sheets/demo?name=Tabby&client=" + key);
        try (SheetClient watcher = SheetClient.join(server.webSocketUri("/sheets/demo?name=Watcher"));
             SheetClient first = SheetClient.join(tab)) {
            String id = first.you();
            watcher.awaitUsers(users -> users.containsKey(id), SheetClient.TIMEOUT, "the first tab arrives");
            first.send("{\"type\":\"focus\",\"row\":\"seed1\",\"col\":\"age\"}");
            watcher.awaitUsers(users -> "seed1".equals(users.get(id).row()), SheetClient.TIMEOUT, "the first tab's cursor");
            try (SheetClient second = SheetClient.join(tab)) {
                assertEquals(id, second.you(), "one client key, one user");
                second.send("{\"type\":\"focus\",\"row\":\"seed2\",\"col\":\"name\"}");
                watcher.awaitUsers(users -> "seed2".equals(users.get(id).row()), SheetClient.TIMEOUT, "the second tab's cursor");
                second.awaitUsers(users -> users.containsKey(id) && users.containsKey(watcher.you()), SheetClient.TIMEOUT,
                        "the second tab sees its user and the watcher");
            }
            // The tab that moved last is gone: the user stays, on the first tab's cell.
            watcher.awaitUsers(users -> users.containsKey(id) && "seed1".equals(users.get(id).row()),
                    SheetClient.TIMEOUT, "the user stays with the first tab's cursor");
            first.close();
            watcher.awaitUsers(users -> !users.containsKey(id), SheetClient.TIMEOUT, "the user leaves with the last tab");
            assertEquals(List.of(), watcher.problems());
        }
    }

    /**
     * Presence is exact and per user: a client hears of each other user once (in its welcome, or as
     * they join), however many join at once — not the whole list again per join.
     */
    @Test
    void aCrowdJoiningAtOnceIsAnnouncedOncePerUser() throws Exception {
        int crowd = 60;
        List<SheetClient> clients = new java.util.ArrayList<>();
        try {
            List<java.util.concurrent.CompletableFuture<SheetClient>> joins = new java.util.ArrayList<>();
            for (int i = 0; i < crowd; i++) {
                URI uri = server.webSocketUri("/sheets/crowd?name=Guest" + i);
                joins.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return SheetClient.join(uri);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }));
            }
            for (var join : joins) {
                clients.add(join.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            for (SheetClient c : clients) {
                c.awaitUsers(users -> users.size() == crowd, SheetClient.TIMEOUT, "everyone is listed");
            }
            for (SheetClient c : clients) {
                assertEquals(List.of(), c.problems());
                assertEquals(crowd, c.userEntriesReceived(), "each user reached " + c.you() + " once");
            }
        } finally {
            clients.forEach(SheetClient::close);
        }
    }

    private static String edit(String id, String row, String col, String value, long base) {
        return "{\"type\":\"edit\",\"id\":\"" + id + "\",\"row\":\"" + row + "\",\"col\":\"" + col
                + "\",\"value\":\"" + value + "\",\"base\":" + base + "}";
    }

    /** A JDK WebSocket client on a sheet that reads messages as JSON. */
    private static final class Client {
        final WsEvents events = new WsEvents("sheets");
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
