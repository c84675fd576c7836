package dev.livegrid.room;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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

/**
 * The limits and lookups of a sheet over real sockets (DESIGN §3 codes, §4 "Limits"): too long a
 * value, too many rows or columns, unknown rows and columns, bad sheet ids, sheets that may not be
 * created, and frames above the maximum message size.
 */
@Timeout(60)
class SheetLimitsTest {

    private static final int MAX_VALUE = 100;
    private static final int MAX_ROWS = 5;
    private static final int MAX_COLUMNS = 3;
    private static final int MAX_MESSAGE = 4096;

    private static LiveGridServer server;
    private static LiveGridServer noCreate;
    private final List<SheetClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Settings loopback = TestSettings.loopback();
        server = LiveGridServer.start(loopback.withMaxMessageSize(MAX_MESSAGE).with(Map.of(
                Setting.MAX_VALUE_LENGTH, String.valueOf(MAX_VALUE),
                Setting.MAX_ROWS, String.valueOf(MAX_ROWS),
                Setting.MAX_COLUMNS, String.valueOf(MAX_COLUMNS))));
        noCreate = LiveGridServer.start(loopback.with(Setting.CREATE_SHEETS, "false"));
    }

    @AfterAll
    static void stop() {
        server.close();
        noCreate.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SheetClient::close);
    }

    @Test
    void aValueLongerThanTheMaximumIsTooLarge() throws Exception {
        SheetClient c = join(server, "long-values");
        String col = addColumn(c, "x");
        String row = insertRow(c);
        long before = c.version();

        assertRejected(c, SheetOps.edit("e1", row, col, "v".repeat(MAX_VALUE + 1), null), "too-large");
        assertRejected(c, SheetOps.insertRow("e2", null, Map.of(col, "v".repeat(MAX_VALUE + 1))), "too-large");
        assertEquals(before, c.version(), "nothing was applied");

        c.sendOp(SheetOps.edit("e3", row, col, "v".repeat(MAX_VALUE), null)); // exactly the maximum is fine
        assertEquals("e3", c.next("applied").getString("id"));
        // Length is in characters: 100 CJK characters are 300 UTF-8 bytes and still allowed.
        c.sendOp(SheetOps.edit("e4", row, col, "中".repeat(MAX_VALUE), null));
        assertEquals("e4", c.next("applied").getString("id"));
    }

    @Test
    void moreRowsThanTheMaximumIsTooLarge() throws Exception {
        SheetClient c = join(server, "many-rows");
        for (int i = 0; i < MAX_ROWS; i++) {
            insertRow(c);
        }
        assertRejected(c, SheetOps.insertRow("one-too-many", null, Map.of()), "too-large");
        assertEquals(MAX_ROWS, c.table().rowIds().size());

        c.sendOp(SheetOps.deleteRow("d", c.table().rowIds().get(0)));
        c.next("applied");
        insertRow(c); // room again after a delete
    }

    @Test
    void moreColumnsThanTheMaximumOrTooLongANameIsTooLarge() throws Exception {
        SheetClient c = join(server, "many-columns");
        for (int i = 0; i < MAX_COLUMNS; i++) {
            addColumn(c, "col " + i);
        }
        assertRejected(c, SheetOps.addColumn("one-too-many", "more", null), "too-large");
        String col = c.table().columnIds().get(0);
        assertRejected(c, SheetOps.renameColumn("long-name", col, "n".repeat(201)), "too-large");
        assertRejected(c, SheetOps.renameColumn("blank-name", col, " "), "invalid");
        assertEquals(MAX_COLUMNS, c.table().columnIds().size());
    }

    @Test
    void anUnknownRowIsNoSuchRow() throws Exception {
        SheetClient c = join(server, "unknown-row");
        String col = addColumn(c, "x");
        String row = insertRow(c);
        c.sendOp(SheetOps.deleteRow("gone", row));
        c.next("applied");

        assertRejected(c, SheetOps.edit("u1", "r999", col, "v", null), "no-such-row");
        assertRejected(c, SheetOps.edit("u2", row, col, "v", null), "no-such-row"); // deleted
        assertRejected(c, SheetOps.deleteRow("u3", "r999"), "no-such-row");
        assertRejected(c, SheetOps.insertRow("u4", "r999", Map.of()), "no-such-row");
        assertRejected(c, SheetOps.deleteRow("u5", row), "no-such-row");
    }

    /** A compare-and-set edit of a row someone else just deleted: the usual race, to be answered no-such-row. */
    @Test
    void aCompareAndSetEditOfAnUnknownRowIsNoSuchRow() throws Exception {
        SheetClient c = join(server, "unknown-row-base");
        String col = addColumn(c, "x");
        assertRejected(c, SheetOps.edit("b1", "r999", col, "v", 0L), "no-such-row");
        // and the connection still works
        assertEquals(2, Long.parseLong(insertRow(c).substring(1)));
    }

    @Test
    void anUnknownColumnIsNoSuchColumn() throws Exception {
        SheetClient c = join(server, "unknown-column");
        String col = addColumn(c, "x");
        String row = insertRow(c);

        assertRejected(c, SheetOps.edit("u1", row, "c999", "v", null), "no-such-column");
        assertRejected(c, SheetOps.edit("u2", row, "c999", "v", 0L), "no-such-column");
        assertRejected(c, SheetOps.renameColumn("u3", "c999", "y"), "no-such-column");
        assertRejected(c, SheetOps.deleteColumn("u4", "c999"), "no-such-column");
        assertRejected(c, SheetOps.addColumn("u5", "y", "c999"), "no-such-column");
        assertRejected(c, SheetOps.insertRow("u6", row, Map.of("c999", "v")), "no-such-column");
        c.sendOp(SheetOps.deleteColumn("gone", col));
        c.next("applied");
        assertRejected(c, SheetOps.edit("u7", row, col, "v", null), "no-such-column"); // deleted
    }

    @Test
    void idsThatAreNotIdsAreInvalid() throws Exception {
        SheetClient c = join(server, "invalid-ids");
        String col = addColumn(c, "x");
        String row = insertRow(c);
        assertRejected(c, SheetOps.edit("i1", "bad row", col, "v", null), "invalid");
        assertRejected(c, SheetOps.edit("i2", row, "c".repeat(65), "v", null), "invalid");
    }

    @ParameterizedTest(name = "/sheets/{0} is refused with 400")
    @ValueSource(strings = {"bad%20id", "a.b", "%C3%A9t%C3%A9",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ok?name=%07bell"})
    void anInvalidSheetIdOrParameterIsRefusedAtTheHandshake(String path) throws Exception {
        assertEquals(400, SheetClient.refusedHandshakeStatus(server.webSocketUri("/sheets/" + path)));
    }

    @Test
    void withoutCreateSheetsAnUnknownSheetClosesWith4004AndDemoStillWorks() throws Exception {
        SheetClient unknown = new SheetClient();
        clients.add(unknown);
        unknown.connect(noCreate.webSocketUri("/sheets/nope"));
        SheetClient.Closed closed = unknown.awaitClose(SheetClient.TIMEOUT);
        assertEquals(4004, closed.code(), closed.toString());

        SheetClient demo = join(noCreate, "demo");
        assertEquals(List.of("seed1", "seed2", "seed3"), demo.table().rowIds());
        demo.sendOp(SheetOps.edit("d1", "seed1", "age", "19", 0L));
        assertEquals("d1", demo.next("applied").getString("id"));

        // Still no such sheet after someone used the server.
        SheetClient again = new SheetClient();
        clients.add(again);
        again.connect(noCreate.webSocketUri("/sheets/nope"));
        assertEquals(4004, again.awaitClose(SheetClient.TIMEOUT).code());
    }

    @Test
    void aFrameAboveTheMaximumMessageSizeClosesWith1009() throws Exception {
        SheetClient c = join(server, "oversize");
        String col = addColumn(c, "x");
        String row = insertRow(c);
        c.send(SheetOps.edit("big", row, col, "v".repeat(MAX_MESSAGE), null));
        SheetClient.Closed closed = c.awaitClose(SheetClient.TIMEOUT);
        assertEquals(1009, closed.code(), closed.toString());

        SheetClient other = join(server, "oversize");
        assertEquals(c.version(), other.version(), "the oversize frame changed nothing");
    }

    // ---- helpers ----

    private SheetClient join(LiveGridServer on, String sheet) throws Exception {
        SheetClient client = SheetClient.join(on.webSocketUri("/sheets/" + sheet));
        clients.add(client);
        return client;
    }

    private static String addColumn(SheetClient c, String name) throws Exception {
        c.sendOp(SheetOps.addColumn("add-" + c.sentOps(), name, null));
        return c.next("applied").getJsonObject("op").getString("col");
    }

    private static String insertRow(SheetClient c) throws Exception {
        c.sendOp(SheetOps.insertRow("ins-" + c.sentOps(), null, Map.of()));
        return c.next("applied").getJsonObject("op").getString("row");
    }

    /** Sends the op and expects it rejected with this code, to its author, naming its id. */
    private static void assertRejected(SheetClient c, String frame, String code) throws Exception {
        c.sendOp(frame);
        JsonObject rejected = c.next("rejected", Duration.ofSeconds(5));
        assertEquals(code, rejected.getString("code"), () -> frame + " -> " + rejected);
        assertEquals(frame.substring(frame.indexOf("\"id\":\"") + 6).split("\"")[0], rejected.getString("id"));
        assertFalse(rejected.containsKey("current"), "only a conflict names the current cell: " + rejected);
    }
}
