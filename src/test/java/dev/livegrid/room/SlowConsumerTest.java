package dev.livegrid.room;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded memory and flow control over real sockets (DESIGN §4): a viewer that stops reading is
 * closed with 1013 and a resume version instead of being queued for without bound or stalling the
 * sheet; a client sending too fast is rate-limited but stays connected; one that keeps sending
 * garbage is closed with 1008.
 */
class SlowConsumerTest {

    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** Characters per written value: large, so that buffers fill fast. */
    private static final int VALUE_LENGTH = 2000;
    /** Ops per writer; their broadcast (several MB) is far more than a socket's buffers hold. */
    private static final int OPS_PER_WRITER = 2500;
    /**
     * A stopped reader only reads its 1013 once the writers are done; on a slow machine that can take
     * longer than the default close grace (30 s), after which the server cuts the connection and the
     * close frame is lost with the unread data. The tests give it time instead of racing the clock.
     */
    private static final String READER_PATIENCE = "5m";
    /**
     * The writers read as fast as they can, but on a loaded two-core machine their client threads can
     * still fall a few dozen messages behind for a moment; 16 KiB (8 of these messages) closed a
     * reading writer as too slow now and then. 256 KiB is far below the ~10 MB the stopped reader is
     * offered, so it is still closed, and leaves the writers room for a pause.
     */
    private static final String WRITERS_OUTBOX_LIMIT = "256KiB";
    private static final Pattern RESUME = Pattern.compile("since=(\\d+)");

    @Test
    @Timeout(240)
    void aReaderThatStopsIsClosedWithAResumePointWithoutHoldingUpTheOthers() throws Exception {
        Settings settings = TestSettings.loopback().with(Map.of(
                Setting.OUTBOX_LIMIT, WRITERS_OUTBOX_LIMIT,
                Setting.CLOSE_GRACE, READER_PATIENCE,
                Setting.OP_RATE, "100000",
                Setting.OP_WINDOW, "1000000",
                Setting.MAX_ROWS, "1000000"));
        try (LiveGridServer server = LiveGridServer.start(settings)) {
            Run baseline = runWriters(server, "no-slow-reader");

            SheetClient slow = new SheetClient().keepApplied(false).pauseAfterWelcome();
            try {
                slow.connect(server.webSocketUri("/sheets/slow-reader?name=Slow"));
                assertEquals(0, slow.awaitWelcome().getJsonNumber("version").longValue());
                Run withSlow = runWriters(server, "slow-reader");
                System.out.printf("[slow-consumer] writers: %d ops to v%d in %d ms alone, %d ops to v%d in %d ms"
                                + " beside a reader that stopped%n", baseline.ops, baseline.last, baseline.millis,
                        withSlow.ops, withSlow.last, withSlow.millis);

                // Only now read what the server managed to hand over, up to its close.
                SheetClient.Closed closed = slow.awaitClose(SETTLE);
                System.out.printf("[slow-consumer] slow reader: close %s after %d applied messages (%d chars),"
                        + " skipped %d versions%n", closed, slow.appliedSeen().size(), slow.bytesReceived(),
                        slow.skipped().size());
                assertEquals(1013, closed.code(), closed.toString());
                Matcher resume = RESUME.matcher(closed.reason());
                assertTrue(resume.find(), "the close names the resume version: " + closed);
                long since = Long.parseLong(resume.group(1));
                assertTrue(since < withSlow.last, "closed before the writers were done: since=" + since);
                assertEquals(List.of(), slow.problems());

                // Every version up to the resume point was handed over, or superseded by one that was.
                List<Long> seen = slow.appliedSeen();
                assertEquals(seen.stream().sorted().distinct().toList(), seen, "versions arrive in increasing order");
                Set<Long> covered = new HashSet<>(seen);
                covered.addAll(slow.skipped());
                for (long v = 1; v <= since; v++) {
                    assertTrue(covered.contains(v), "version " + v + " <= since=" + since + " never reached it");
                }
                assertTrue(seen.isEmpty() || since <= seen.get(seen.size() - 1) || since == 0,
                        "since=" + since + " is not beyond what the reader got: " + tail(seen));

                SheetClient back = new SheetClient().keepApplied(false).startingFrom(slow.table());
                try {
                    back.connect(server.webSocketUri("/sheets/slow-reader?name=Slow&since=" + since));
                    JsonObject welcome = back.awaitWelcome();
                    // The reader reads now: catching up (several MB) must not get it closed as "too slow" again.
                    try {
                        back.awaitVersion(withSlow.last, SETTLE);
                    } catch (AssertionError e) {
                        throw new AssertionError("the resumed reader (reading as fast as it can) did not catch up from"
                                + " since=" + since + " to v" + withSlow.last + ": " + e.getMessage(), e);
                    }
                    if (welcome.containsKey("since")) {
                        assertEquals(since, welcome.getJsonNumber("since").longValue(), welcome.toString());
                        assertEquals(LongStream.rangeClosed(since + 1, withSlow.last).boxed().toList(),
                                back.appliedSeen(), "after the resume point, every version once, in order");
                    } // else the server chose to send the whole sheet instead of replaying the ops: allowed
                    TableModel resumed = back.table();
                    assertEquals(withSlow.table, resumed, () -> resumed.firstDifference(withSlow.table));
                } finally {
                    back.close();
                }
            } finally {
                slow.close();
            }
        }
    }

    /**
     * The sheet's only viewer stops reading while ops sent over HTTP keep coming back to it: its
     * outbox overflows on the room's own thread, which also reports the close and releases the
     * room's last holder there. It is closed with 1013 (seen once it reads again), and the server
     * goes on serving: new joiners get their welcome and the sheet kept its ops.
     */
    @Test
    @Timeout(120)
    void aLoneReaderThatStopsIsClosedAndTheServerStaysResponsive() throws Exception {
        Settings settings = TestSettings.loopback().with(Map.of(
                Setting.OUTBOX_LIMIT, "16KiB",
                Setting.CLOSE_GRACE, READER_PATIENCE,
                Setting.OP_RATE, "100000", // 1000 ops over HTTP from one address, as fast as they go
                Setting.MAX_ROWS, "1000000"));
        try (LiveGridServer server = LiveGridServer.start(settings);
             SheetClient lone = new SheetClient().keepApplied(false).pauseAfterWelcome()) {
            lone.connect(server.webSocketUri("/sheets/lonely"));
            lone.awaitWelcome();
            HttpClient http = HttpClient.newHttpClient();
            URI ops = server.baseUri().resolve("api/sheets/lonely/ops");
            assertEquals(200, post(http, ops, SheetOps.addColumn("col", "x", null)));
            String value = "v".repeat(4000);
            // About 4 MB of applied messages to a reader that takes none of them: far past 16 KiB.
            for (int i = 0; i < 1000; i++) {
                assertEquals(200, post(http, ops, SheetOps.insertRow("ins-" + i, null, Map.of("c1", value))));
            }
            lone.resume();
            SheetClient.Closed closed = lone.awaitClose(SETTLE);
            assertEquals(1013, closed.code(), closed.toString());
            assertTrue(RESUME.matcher(closed.reason()).find(), closed.toString());

            SheetClient other = new SheetClient().connect(server.webSocketUri("/sheets/elsewhere"));
            try {
                other.awaitWelcome();
            } finally {
                other.close();
            }
            try (SheetClient back = SheetClient.join(server.webSocketUri("/sheets/lonely"))) {
                assertEquals(1001, back.version(), "the sheet kept every op");
            }
        }
    }

    private static int post(HttpClient http, URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * With every setting at its default, a sheet whose welcome is larger than the outbox limit (here
     * about 600,000 characters: 60 rows of one 10,000-character value) can still be joined: the limit
     * is for what waits for a slow reader, not for the one message a new viewer needs.
     */
    @Test
    @Timeout(60)
    void aSheetLargerThanTheOutboxLimitCanStillBeJoined() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback());
             SheetClient writer = SheetClient.join(server.webSocketUri("/sheets/big-sheet"))) {
            writer.sendOp(SheetOps.addColumn("col", "x", null));
            String value = "v".repeat(server.settings().maxValueLength());
            for (int i = 0; i < 60; i++) { // within op-rate's default burst of 100
                writer.sendOp(SheetOps.insertRow("ins-" + i, null, Map.of("c1", value)));
            }
            writer.awaitAllAnswered(SETTLE);
            assertEquals(Map.of(), writer.rejectedByCode());

            SheetClient joiner = new SheetClient();
            try {
                joiner.connect(server.webSocketUri("/sheets/big-sheet"));
                JsonObject welcome;
                try {
                    welcome = joiner.awaitWelcome();
                } catch (AssertionError e) {
                    throw new AssertionError("a sheet of ~" + 60 * value.length() + " characters could not be joined"
                            + " with outbox-limit " + server.settings().outboxLimit() + ": " + e.getMessage(), e);
                }
                assertEquals(61, welcome.getJsonNumber("version").longValue());
                assertEquals(writer.table(), joiner.table());
            } finally {
                joiner.close();
            }
        }
    }

    /** What two writers did: how many ops, the last version, how long until both had it, the table. */
    private record Run(int ops, long last, long millis, TableModel table) {
    }

    /**
     * Two writers on a fresh sheet: columns and rows, then {@link #OPS_PER_WRITER} ops each as fast as
     * a window of 8 unanswered ops allows — mostly edits of many cells, a third row inserts, every value
     * {@link #VALUE_LENGTH} characters. Checks that both saw every version once, in order, and agree.
     */
    private static Run runWriters(LiveGridServer server, String sheet) throws Exception {
        URI uri = server.webSocketUri("/sheets/" + sheet);
        List<SheetClient> writers = List.of(new SheetClient().keepApplied(false), new SheetClient().keepApplied(false));
        ExecutorService threads = Executors.newFixedThreadPool(writers.size());
        try {
            for (SheetClient w : writers) {
                w.connect(uri);
                w.awaitWelcome();
            }
            SheetClient first = writers.get(0);
            for (int i = 0; i < 4; i++) {
                first.sendOp(SheetOps.addColumn("setup-c" + i, "col " + i, null));
            }
            for (int i = 0; i < 8; i++) {
                first.sendOp(SheetOps.insertRow("setup-r" + i, null, Map.of()));
            }
            first.awaitAllAnswered(SETTLE);
            long started = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < writers.size(); i++) {
                SheetClient w = writers.get(i);
                Random random = new Random(i);
                String prefix = "w" + i + "-";
                done.add(threads.submit(() -> {
                    for (int n = 0; n < OPS_PER_WRITER; n++) {
                        w.awaitUnansweredBelow(8, SETTLE);
                        String id = prefix + n;
                        w.sendOp(w.inspect(table -> bigOp(table, id, random)));
                    }
                    w.awaitAllAnswered(SETTLE);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(SETTLE.toSeconds() * 4, TimeUnit.SECONDS);
            }
            long last = Math.max(writers.get(0).version(), writers.get(1).version());
            for (SheetClient w : writers) {
                w.awaitVersion(last, SETTLE);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;

            List<Long> every = LongStream.rangeClosed(1, last).boxed().toList();
            for (SheetClient w : writers) {
                assertEquals(List.of(), w.problems());
                assertNull(w.closedOrNull(), "a writer that reads was closed");
                assertEquals(List.of(), w.skipped(), "nothing is coalesced for a writer that reads");
                assertEquals(every, w.appliedSeen(), "every version once, in order");
                assertFalse(w.rejectedByCode().containsKey("rate-limited"), w.rejectedByCode().toString());
            }
            assertEquals(writers.get(0).table(), writers.get(1).table());
            return new Run(writers.get(0).sentOps() + writers.get(1).sentOps(), last, millis, writers.get(0).table());
        } finally {
            threads.shutdownNow();
            writers.forEach(SheetClient::close);
        }
    }

    private static String bigOp(TableModel table, String id, Random random) {
        List<String> rows = table.rowIds();
        List<String> cols = table.columnIds();
        String value = (char) ('a' + random.nextInt(26)) + id + "x".repeat(VALUE_LENGTH - id.length() - 1);
        if (random.nextInt(3) == 0) {
            Map<String, String> cells = new LinkedHashMap<>();
            cells.put(cols.get(random.nextInt(cols.size())), value);
            cells.put(cols.get(random.nextInt(cols.size())), value);
            return SheetOps.insertRow(id, rows.get(random.nextInt(rows.size())), cells);
        }
        return SheetOps.edit(id, rows.get(random.nextInt(rows.size())), cols.get(random.nextInt(cols.size())), value,
                null);
    }

    private static List<Long> tail(List<Long> versions) {
        return versions.subList(Math.max(0, versions.size() - 5), versions.size());
    }

    // ---- rate and garbage ----

    @Test
    @Timeout(60)
    void opsBeyondTheRateAreRejectedAndTheConnectionStaysUsable() throws Exception {
        Settings settings = TestSettings.loopback().with(Setting.OP_RATE, "5");
        try (LiveGridServer server = LiveGridServer.start(settings);
             SheetClient c = SheetClient.join(server.webSocketUri("/sheets/rate"))) {
            c.sendOp(SheetOps.addColumn("col", "x", null));
            c.sendOp(SheetOps.insertRow("row", null, Map.of()));
            c.awaitAllAnswered(SheetClient.TIMEOUT);
            String col = c.table().columnIds().get(0);
            String row = c.table().rowIds().get(0);

            int flood = 40; // fewer than 50 refusals in a row: the connection must stay
            long started = System.nanoTime();
            for (int i = 0; i < flood; i++) {
                c.sendOp(SheetOps.edit("flood-" + i, row, col, "v" + i, null));
            }
            c.awaitAllAnswered(SheetClient.TIMEOUT);
            double seconds = (System.nanoTime() - started) / 1e9;
            int limited = c.rejectedByCode().getOrDefault("rate-limited", 0);
            System.out.printf("[rate] op-rate 5/s: %d of %d ops sent in %.3f s rate-limited%n",
                    limited, flood, seconds);
            // The bucket holds 10 (twice the rate), two went to the setup, and it refills at 5 a second.
            int allowed = 8 + (int) Math.ceil(5 * seconds);
            assertTrue(flood - limited <= allowed, (flood - limited) + " applied; at most " + allowed + " expected");
            assertTrue(flood - limited >= Math.min(8, flood), "the burst was honoured: " + limited + " limited");
            JsonObject rejected = c.next("rejected");
            assertEquals("rate-limited", rejected.getString("code"));
            assertTrue(rejected.getString("id").startsWith("flood-"), rejected.toString());

            // Still connected, and once the bucket refills (one op per 200 ms) ops are applied again.
            long before = c.version();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; c.version() == before; i++) {
                assertTrue(System.nanoTime() < deadline, "no op applied within 10 s after the flood");
                assertTrue(c.staysOpenFor(Duration.ofMillis(250)), "closed: " + c.closedOrNull());
                c.sendOp(SheetOps.edit("after-" + i, row, col, "after", null));
                c.awaitAllAnswered(SheetClient.TIMEOUT);
            }
            assertNull(c.closedOrNull(), "the connection stays open");
        }
    }

    @Test
    @Timeout(60)
    void aClientThatKeepsFloodingIsClosedWith1008() throws Exception {
        Settings settings = TestSettings.loopback().with(Setting.OP_RATE, "5");
        try (LiveGridServer server = LiveGridServer.start(settings);
             SheetClient c = SheetClient.join(server.webSocketUri("/sheets/rate-flood"))) {
            for (int i = 0; i < 100 && sendUnlessClosed(c, SheetOps.addColumn("flood-" + i, "x", null)); i++) {
                // until the server has had enough
            }
            SheetClient.Closed closed = c.awaitClose(SheetClient.TIMEOUT);
            assertEquals(1008, closed.code(), closed.toString());
            System.out.printf("[rate] endless flood at op-rate 5/s: closed %s after %s%n", closed, c.rejectedByCode());
        }
    }

    @Test
    @Timeout(60)
    void malformedFramesInARowCloseTheConnectionWith1008() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback());
             SheetClient c = SheetClient.join(server.webSocketUri("/sheets/garbage"))) {
            // 40 bad frames, one good one, 40 bad: never 50 in a row, so the connection stays.
            for (int i = 0; i < 40; i++) {
                c.send("not json " + i);
            }
            c.sendOp(SheetOps.addColumn("good", "x", null));
            for (int i = 0; i < 40; i++) {
                c.send("{\"type\":\"explode\"}");
            }
            c.sendOp(SheetOps.addColumn("good-again", "y", null)); // and again: the count starts from 0
            c.awaitAllAnswered(SheetClient.TIMEOUT);
            assertEquals("good", c.next("applied").getString("id"));
            assertEquals("good-again", c.next("applied").getString("id"));
            assertTrue(c.staysOpenFor(Duration.ofMillis(300)), "closed: " + c.closedOrNull());

            for (int i = 0; i < 60 && sendUnlessClosed(c, "[" + i + "]"); i++) {
                // until the server has had enough
            }
            SheetClient.Closed closed = c.awaitClose(SheetClient.TIMEOUT);
            assertEquals(1008, closed.code(), closed.toString());
            int errorsInTheLastRun = c.errorCount() - 80;
            System.out.printf("[garbage] closed %s after %d error replies to malformed frames in a row%n", closed,
                    errorsInTheLastRun);
            assertTrue(errorsInTheLastRun >= 50 && errorsInTheLastRun <= 51,
                    "closed after about 50 refusals in a row, not " + errorsInTheLastRun);
        }
    }

    /** Sends the frame; false once the connection is closing (the server closed it, or is closing it). */
    private static boolean sendUnlessClosed(SheetClient c, String frame) {
        if (c.closedOrNull() != null) {
            return false;
        }
        try {
            c.send(frame);
            return true;
        } catch (Exception e) {
            return false; // the close is checked by the caller
        }
    }
}
