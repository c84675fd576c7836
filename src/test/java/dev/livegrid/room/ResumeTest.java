package dev.livegrid.room;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume ({@code ?since=V}) and op de-duplication over real sockets (DESIGN §3 "Resume"): a client
 * that reconnects with the last version it has gets a short welcome and exactly the applied messages
 * it missed, or a full welcome when the server cannot tell it what it missed; a resent op is acked
 * again, never applied twice.
 */
@Timeout(60)
class ResumeTest {

    /** Alice's client key, which her page keeps across reconnects. */
    private static final String ALICE_KEY = "alice-key-0123456789";
    /** The op window of the second server, small enough to fall out of in a few ops. */
    private static final int SMALL_WINDOW = 5;

    private static LiveGridServer server;
    private static LiveGridServer smallWindow;
    private static LiveGridServer largeWindow;
    private final List<SheetClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Settings loopback = TestSettings.loopback();
        server = LiveGridServer.start(loopback);
        smallWindow = LiveGridServer.start(loopback.with(Setting.OP_WINDOW, String.valueOf(SMALL_WINDOW)));
        largeWindow = LiveGridServer.start(loopback.with(Map.of(Setting.OP_WINDOW, "3000", Setting.OP_RATE, "100000")));
    }

    @AfterAll
    static void stop() {
        server.close();
        smallWindow.close();
        largeWindow.close();
    }

    @org.junit.jupiter.api.AfterEach
    void closeClients() {
        clients.forEach(SheetClient::close);
    }

    @Test
    void reconnectingWithSinceGetsExactlyTheMissedOpsInOrder() throws Exception {
        SheetClient alice = join(server, "resume-missed", "?name=Alice");
        SheetClient bob = join(server, "resume-missed", "?name=Bob");
        alice.sendOp(SheetOps.addColumn("a1", "name", null));
        alice.sendOp(SheetOps.insertRow("a2", null, Map.of()));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = alice.table().columnIds().get(0);
        String row = alice.table().rowIds().get(0);
        alice.sendOp(SheetOps.edit("a3", row, col, "Ming", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        long v = alice.version();
        TableModel aliceHad = alice.table();
        alice.close();

        // Bob works on while Alice is away: every kind of op.
        bob.sendOp(SheetOps.insertRow("b1", row, Map.of(col, "Hong")));
        bob.sendOp(SheetOps.edit("b2", row, col, "Ming2", aliceHad.baseOf(row, col)));
        bob.sendOp(SheetOps.addColumn("b3", "age", col));
        bob.sendOp(SheetOps.renameColumn("b4", col, "Name"));
        bob.awaitAllAnswered(SheetClient.TIMEOUT);
        String inserted = bob.table().rowIds().get(1);
        String age = bob.table().columnIds().get(1);
        bob.sendOp(SheetOps.edit("b5", inserted, age, "17", null));
        bob.sendOp(SheetOps.deleteRow("b6", row));
        bob.sendOp(SheetOps.deleteColumn("b7", col));
        bob.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals(Map.of(), bob.rejectedByCode());
        long n = bob.version();
        assertEquals(v + 7, n);
        List<JsonObject> missed = new ArrayList<>();
        for (JsonObject m = bob.next("applied"); ; m = bob.next("applied")) {
            if (m.getJsonNumber("version").longValue() > v) {
                missed.add(m);
            }
            if (m.getJsonNumber("version").longValue() == n) {
                break;
            }
        }

        SheetClient back = new SheetClient().startingFrom(aliceHad);
        clients.add(back);
        back.connect(uri(server, "resume-missed", "?name=Alice&since=" + v));
        JsonObject welcome = back.awaitWelcome();
        assertEquals(v, welcome.getJsonNumber("since").longValue(), welcome.toString());
        assertEquals(n, welcome.getJsonNumber("version").longValue(), welcome.toString());
        assertFalse(welcome.containsKey("columns"), "a resuming welcome has no columns: " + welcome);
        assertFalse(welcome.containsKey("rows"), "a resuming welcome has no rows: " + welcome);
        for (JsonObject expected : missed) {
            assertEquals(expected, nextMessage(back), "the missed applied messages, in version order, as Bob got them");
        }

        // Nothing more: the next message Alice gets is the next op anyone makes.
        bob.sendOp(SheetOps.edit("b8", inserted, age, "18", null));
        JsonObject next = nextMessage(back);
        assertEquals("applied", next.getString("type"));
        assertEquals(n + 1, next.getJsonNumber("version").longValue(), next.toString());
        assertEquals(List.of(), back.problems());
        SheetClient fresh = join(server, "resume-missed", "");
        assertEquals(fresh.table(), back.table(), () -> back.table().firstDifference(fresh.table()));
    }

    @Test
    void resumingAtTheCurrentVersionGetsAShortWelcomeAndNothingElse() throws Exception {
        SheetClient alice = join(server, "resume-current", "");
        alice.sendOp(SheetOps.addColumn("a1", "x", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        TableModel had = alice.table();
        alice.close();

        SheetClient back = resume(server, "resume-current", had);
        assertEquals(had.version(), back.awaitWelcome().getJsonNumber("since").longValue());
        SheetClient other = join(server, "resume-current", "");
        other.sendOp(SheetOps.renameColumn("o1", had.columnIds().get(0), "y"));
        JsonObject next = nextMessage(back);
        assertEquals(had.version() + 1, next.getJsonNumber("version").longValue(), next.toString());
    }

    @Test
    void resumingASheetEveryoneHadLeftStillWorks() throws Exception {
        SheetClient alice = join(server, "resume-alone", "");
        alice.sendOp(SheetOps.addColumn("a1", "x", null));
        alice.sendOp(SheetOps.addColumn("a2", "y", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        TableModel had = alice.table();
        alice.sendOp(SheetOps.addColumn("a3", "z", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        alice.close();

        SheetClient back = resume(server, "resume-alone", had);
        JsonObject welcome = back.awaitWelcome();
        assertEquals(had.version(), welcome.getJsonNumber("since").longValue(), welcome.toString());
        assertEquals("a3", nextMessage(back).getString("id"));
        assertEquals(alice.table(), back.table());
    }

    @Test
    void sinceOlderThanTheOpWindowGetsAFullWelcome() throws Exception {
        SheetClient writer = join(smallWindow, "window", "");
        writer.sendOp(SheetOps.addColumn("w0", "x", null));
        writer.sendOp(SheetOps.insertRow("w1", null, Map.of()));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = writer.table().columnIds().get(0);
        String row = writer.table().rowIds().get(0);
        for (int i = 2; i < 20; i++) {
            writer.sendOp(SheetOps.edit("w" + i, row, col, "value " + i, null));
        }
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals(20, writer.version());

        for (long since : new long[]{2, 14}) {
            // A client that last saw version `since`; whatever table it holds is replaced by a full welcome.
            SheetClient late = new SheetClient().startingFrom(writer.table());
            clients.add(late);
            late.connect(uri(smallWindow, "window", "?since=" + since));
            JsonObject welcome = late.awaitWelcome();
            assertFalse(welcome.containsKey("since"), "since=" + since + " is out of the window: " + welcome);
            assertTrue(welcome.containsKey("columns") && welcome.containsKey("rows"), welcome.toString());
            assertEquals(20, welcome.getJsonNumber("version").longValue());
            assertEquals(writer.table(), TableModel.fromWelcome(welcome));
        }

        // The window holds versions 16..20: since=15 is the oldest the server can still serve.
        SheetClient edge = new SheetClient().startingFrom(writer.table());
        clients.add(edge);
        edge.connect(uri(smallWindow, "window", "?since=15"));
        JsonObject welcome = edge.awaitWelcome();
        assertEquals(15, welcome.getJsonNumber("since").longValue(), welcome.toString());
        for (long version = 16; version <= 20; version++) {
            assertEquals(version, nextMessage(edge).getJsonNumber("version").longValue());
        }
    }

    @Test
    void sinceAheadOfTheSheetGetsAFullWelcome() throws Exception {
        SheetClient writer = join(server, "ahead", "");
        writer.sendOp(SheetOps.addColumn("w0", "x", null));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);

        for (String query : new String[]{"?since=2", "?since=999999"}) {
            SheetClient client = new SheetClient();
            clients.add(client);
            client.connect(uri(server, "ahead", query));
            JsonObject welcome = client.awaitWelcome();
            assertFalse(welcome.containsKey("since"), query + ": " + welcome);
            assertEquals(1, welcome.getJsonNumber("version").longValue());
            assertEquals(writer.table(), client.table());
        }
    }

    @Test
    void aResentOpIsAckedWithItsOriginalAppliedAndNotAppliedAgain() throws Exception {
        SheetClient alice = join(server, "resend", "?name=Alice&client=" + ALICE_KEY);
        SheetClient bob = join(server, "resend", "?name=Bob");
        alice.sendOp(SheetOps.addColumn("a1", "x", null));
        alice.sendOp(SheetOps.insertRow("a2", null, Map.of()));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = alice.table().columnIds().get(0);
        String row = alice.table().rowIds().get(0);
        String frame = SheetOps.edit("a3", row, col, "once", alice.table().baseOf(row, col));
        alice.sendOp(frame);
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        alice.next("applied");
        alice.next("applied");
        JsonObject original = alice.next("applied");
        long k = original.getJsonNumber("version").longValue();
        assertEquals("a3", original.getString("id"));
        TableModel had = alice.table();
        alice.close(); // say the ack arrived but the page reloaded before it was stored: the client resends

        SheetClient back = resume(server, "resend", had, "&client=" + ALICE_KEY);
        back.awaitWelcome();
        back.sendOp(frame);
        JsonObject again = nextMessage(back);
        assertEquals(original, again, "a resent op is answered with its original applied message");
        assertEquals(k, back.version(), "and the resuming client's table did not move");

        // The sheet did not move either: the next op anyone makes is k + 1, and Bob never saw k twice.
        bob.sendOp(SheetOps.edit("b1", row, col, "after", null));
        bob.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals(k + 1, bob.version());
        assertEquals(1, bob.appliedSeen().stream().filter(v -> v == k).count(), "Bob got version " + k + " once");
        assertEquals(k + 1, nextMessage(back).getJsonNumber("version").longValue());
        assertEquals(k + 1, join(server, "resend", "").awaitWelcome().getJsonNumber("version").longValue());

        // Resending on the same connection is answered the same way.
        back.sendOp(frame);
        assertEquals(original, nextMessage(back));
    }

    /**
     * Op ids are chosen by clients and only meant to be unique per client: two clients (or one client
     * whose counter restarted after a reload) can pick the same id for different ops. A duplicate is
     * therefore recognised by id AND content — a genuine resend is byte-for-byte the same op — so an
     * id collision never swallows a real edit.
     */
    @Test
    void theSameIdWithDifferentContentIsANewOp() throws Exception {
        SheetClient alice = join(server, "same-id", "?name=Alice");
        SheetClient bob = join(server, "same-id", "?name=Bob");
        alice.sendOp(SheetOps.addColumn("op-1", "x", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals(1, alice.version());

        alice.sendOp(SheetOps.addColumn("op-1", "y", null)); // the same client, another op under the same id
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals(2, alice.version());
        bob.awaitVersion(2, SheetClient.TIMEOUT); // (so that Bob does not take Alice's "op-1" for his answer)
        bob.sendOp(SheetOps.addColumn("op-1", "z", null)); // another client that picked the same id
        bob.awaitVersion(3, SheetClient.TIMEOUT);
        JsonObject third = bob.next("applied", SheetClient.TIMEOUT);
        while (third.getJsonNumber("version").longValue() < 3) {
            third = bob.next("applied", SheetClient.TIMEOUT);
        }
        assertEquals(bob.you(), third.getString("by"), third.toString());
        assertEquals("op-1", third.getString("id"));
        alice.awaitVersion(3, SheetClient.TIMEOUT);
        assertEquals(List.of("z", "y", "x"), alice.table().columns().stream().map(TableModel.Column::name).toList());
        assertEquals(List.of(1L, 2L, 3L), alice.appliedSeen());
    }

    @ParameterizedTest(name = "since={0} is refused with 400")
    @ValueSource(strings = {"abc", "-1", "1.5", "", "99999999999999999999"})
    void anInvalidSinceIsRefusedAtTheHandshake(String since) throws Exception {
        assertEquals(400, SheetClient.refusedHandshakeStatus(uri(server, "resume-bad", "?since=" + since)));
    }

    /**
     * Issue 9: a client offline while its sheet was deleted and created again used to resume with its
     * old {@code since}, get a short welcome and the new sheet's ops on top of the old table. A resume
     * must name the incarnation it saw; another one gets a full welcome.
     */
    @Test
    void aResumeAcrossADeleteAndRecreationGetsAFullWelcomeOfTheNewSheet() throws Exception {
        SheetClient alice = join(server, "reborn", "?name=Alice");
        alice.sendOp(SheetOps.addColumn("a1", "old", null));
        alice.sendOp(SheetOps.insertRow("a2", null, Map.of()));
        alice.sendOp(SheetOps.addColumn("a3", "older", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);
        TableModel aliceHad = alice.table();
        alice.close();
        assertEquals(3, aliceHad.version());

        java.net.http.HttpResponse<String> deleted = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(server.baseUri().resolve("/api/sheets/reborn")).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(204, deleted.statusCode(), deleted.body());
        SheetClient bob = join(server, "reborn", "?name=Bob");
        for (int i = 0; i < 4; i++) {
            bob.sendOp(SheetOps.addColumn("b" + i, "new" + i, null));
        }
        bob.awaitAllAnswered(SheetClient.TIMEOUT);
        assertEquals(4, bob.version());

        SheetClient back = resume(server, "reborn", aliceHad);
        JsonObject welcome = back.awaitWelcome();

        assertFalse(welcome.containsKey("since"), "a resume of another incarnation: " + welcome);
        assertFalse(aliceHad.incarnation().equals(welcome.getString("incarnation")));
        assertEquals(bob.table(), back.table(), bob.table().firstDifference(back.table()));
    }

    /** A resume without an incarnation cannot be told apart from one of an older sheet: it gets a full welcome. */
    @Test
    void aResumeWithoutIncarnationGetsAFullWelcome() throws Exception {
        SheetClient alice = join(server, "no-incarnation", "?name=Alice");
        alice.sendOp(SheetOps.addColumn("a1", "x", null));
        alice.awaitAllAnswered(SheetClient.TIMEOUT);

        SheetClient back = join(server, "no-incarnation", "?since=1&incarnation=somebody-elses");
        JsonObject welcome = SheetClient.join(uri(server, "no-incarnation", "?since=1")).awaitWelcome();

        assertFalse(back.awaitWelcome().containsKey("since"));
        assertFalse(welcome.containsKey("since"), welcome.toString());
        assertEquals(1, welcome.getJsonNumber("version").longValue());
    }

    /**
     * Issue 9: the replay check counted bytes but not the outbox's 1,024-message bound, so with an
     * op-window above ~1,000 a client that missed more ops than that was closed 1013 on every resume.
     * It gets a full welcome instead and stays.
     */
    @Test
    void aResumeOfMoreOpsThanTheOutboxHoldsGetsAFullWelcomeAndStays() throws Exception {
        SheetClient writer = join(largeWindow, "many", "?name=Writer");
        writer.keepApplied(false);
        writer.sendOp(SheetOps.addColumn("a0", "x", null));
        writer.sendOp(SheetOps.insertRow("a1", null, Map.of()));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        TableModel early = writer.table();
        String col = early.columnIds().get(0);
        String row = early.rowIds().get(0);
        for (int i = 0; i < 1500; i++) {
            writer.awaitUnansweredBelow(200, Duration.ofSeconds(60)); // a connection may have 256 ops unanswered
            writer.sendOp(SheetOps.edit("e" + i, row, col, "v" + i, null));
        }
        writer.awaitAllAnswered(Duration.ofSeconds(60));
        assertEquals(1502, writer.version());

        SheetClient back = resume(largeWindow, "many", early);
        JsonObject welcome = back.awaitWelcome();

        assertFalse(welcome.containsKey("since"), "1,500 missed ops do not fit the outbox's 1,024 messages");
        assertTrue(back.staysOpenFor(Duration.ofSeconds(1)), "closed: " + back.closedOrNull());
        assertEquals(writer.table(), back.table());
    }

    // ---- helpers ----

    private SheetClient join(LiveGridServer on, String sheet, String query) throws Exception {
        SheetClient client = SheetClient.join(uri(on, sheet, query));
        clients.add(client);
        return client;
    }

    private SheetClient resume(LiveGridServer on, String sheet, TableModel had) throws Exception {
        return resume(on, sheet, had, "");
    }

    private SheetClient resume(LiveGridServer on, String sheet, TableModel had, String more) throws Exception {
        SheetClient client = new SheetClient().startingFrom(had);
        clients.add(client);
        return client.connect(uri(on, sheet, "?since=" + had.version() + more));
    }

    private static URI uri(LiveGridServer on, String sheet, String query) {
        return on.webSocketUri("/sheets/" + sheet + query);
    }

    /** The next message after the welcome, whatever its type (presence is not queued). */
    private static JsonObject nextMessage(SheetClient client) throws Exception {
        JsonObject m = client.poll(SheetClient.TIMEOUT);
        assertNotNull(m, "no message within " + SheetClient.TIMEOUT);
        if (m.getString("type").equals("welcome")) {
            m = client.poll(SheetClient.TIMEOUT);
            assertNotNull(m, "no message after the welcome within " + SheetClient.TIMEOUT);
        }
        return m;
    }
}
