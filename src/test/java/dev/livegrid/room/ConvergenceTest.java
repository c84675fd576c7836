package dev.livegrid.room;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convergence (DESIGN §4) over real sockets: many clients edit one fresh sheet at once, each keeping
 * its own table from its welcome and the applied messages it receives; once everything is answered,
 * every client must hold exactly the server's table, having seen every version once and in order.
 */
class ConvergenceTest {

    private static final int CLIENTS = 24;
    private static final Duration LOAD = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(20);
    /** Rows and columns created before the load; the first two of each are the contended "hot" cells. */
    private static final int SETUP_COLUMNS = 4;
    private static final int SETUP_ROWS = 6;

    @Test
    @Timeout(180)
    void everyClientEndsWithTheServersTableHavingSeenEveryVersionOnce() throws Exception {
        Settings settings = TestSettings.loopback()
                .with(Map.of(Setting.OP_RATE, "10000"));
        long seed = System.nanoTime();
        List<SheetClient> clients = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
        try (LiveGridServer server = LiveGridServer.start(settings)) {
            try {
                URI uri = server.webSocketUri("/sheets/converge");
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(new SheetClient().keepApplied(false).connect(uri));
                }
                for (SheetClient c : clients) {
                    assertEquals(0, c.awaitWelcome().getJsonNumber("version").longValue(), "a fresh sheet starts at 0");
                }

                // A few columns and rows; the first two of each are the hot cells everyone fights over.
                SheetClient first = clients.get(0);
                for (int i = 0; i < SETUP_COLUMNS; i++) {
                    first.sendOp(SheetOps.addColumn("setup-c" + i, "col " + i, null));
                }
                for (int i = 0; i < SETUP_ROWS; i++) {
                    first.sendOp(SheetOps.insertRow("setup-r" + i, null, Map.of()));
                }
                first.awaitAllAnswered(SETTLE);
                long setupVersion = first.version();
                assertEquals(SETUP_COLUMNS + SETUP_ROWS, setupVersion);
                for (SheetClient c : clients) {
                    c.awaitVersion(setupVersion, SETTLE);
                }
                TableModel setup = first.table();
                List<String> hotRows = setup.rowIds().subList(0, 2);
                List<String> hotCols = setup.columnIds().subList(0, 2);

                long started = System.nanoTime();
                long deadline = started + LOAD.toNanos();
                List<Future<?>> senders = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    Client c = new Client(i, clients.get(i), new Random(seed + i), hotRows, hotCols);
                    senders.add(load.submit(() -> {
                        c.run(deadline);
                        return null;
                    }));
                }
                for (Future<?> f : senders) {
                    f.get(LOAD.plus(SETTLE).toSeconds(), TimeUnit.SECONDS);
                }
                // Every op should be answered. One that never is (lost on the server) is reported at the end,
                // after the convergence checks, which still hold: an op that is never answered applied nothing.
                List<String> neverAnswered = new ArrayList<>();
                long answerDeadline = System.nanoTime() + SETTLE.toNanos();
                for (int i = 0; i < CLIENTS; i++) {
                    try {
                        long left = Math.max(answerDeadline - System.nanoTime(), 1_000_000);
                        clients.get(i).awaitAllAnswered(Duration.ofNanos(left));
                    } catch (AssertionError e) {
                        neverAnswered.add("client " + i + ": " + clients.get(i).unanswered());
                    }
                }
                long loadNanos = System.nanoTime() - started;

                // Every op is answered, so the marker is the last version; once everyone has it, all is quiet.
                first.sendOp(SheetOps.insertRow("marker", null, Map.of()));
                first.awaitAnswer("marker", SETTLE);
                long last = first.version();
                for (SheetClient c : clients) {
                    c.awaitVersion(last, SETTLE);
                }
                long settledNanos = System.nanoTime() - started;

                SheetClient fresh = SheetClient.join(uri);
                clients.add(fresh);
                TableModel server0 = fresh.table();
                assertEquals(last, server0.version(), "the fresh joiner's welcome is at the marker's version");

                // The figures, for the report.
                int sent = 0;
                int applied = 0;
                Map<String, Integer> rejected = new TreeMap<>();
                int skipped = 0;
                for (SheetClient c : clients.subList(0, CLIENTS)) {
                    sent += c.sentOps();
                    applied += c.appliedOwnOps();
                    c.rejectedByCode().forEach((code, n) -> rejected.merge(code, n, Integer::sum));
                    skipped += c.skipped().size();
                }
                System.out.printf("[convergence] seed=%d clients=%d load=%dms settled=%dms opsSent=%d applied=%d"
                                + " rejected=%s finalVersion=%d rows=%d columns=%d skippedSeen=%d%n",
                        seed, CLIENTS, loadNanos / 1_000_000, settledNanos / 1_000_000, sent, applied, rejected, last,
                        server0.rowIds().size(), server0.columnIds().size(), skipped);

                assertTrue(sent > 20L * CLIENTS, "the load ran: " + sent + " ops");
                assertEquals(last, applied, "every version is one applied op of exactly one client");
                assertFalse(rejected.containsKey("rate-limited"),
                        "op-rate is raised: nothing is rate-limited " + rejected);

                List<Long> everyVersion = LongStream.rangeClosed(1, last).boxed().toList();
                for (int i = 0; i < CLIENTS; i++) {
                    SheetClient c = clients.get(i);
                    String who = "client " + i;
                    assertEquals(List.of(), c.problems(), who);
                    assertEquals(List.of(), c.skipped(), who + " reads fast: nothing is coalesced for it");
                    assertEquals(List.of(), c.answeredTwice(), who);
                    assertEquals(everyVersion, c.appliedSeen(),
                            who + " sees versions 1.." + last + " once each, in order");
                    assertEquals(everyVersion, c.appliedToTable(), who);
                    TableModel mine = c.table();
                    assertEquals(server0, mine, () -> who + " differs from the server: " + mine.firstDifference(server0)
                            + "\nclient:\n" + mine + "server:\n" + server0);
                }

                assertEquals(List.of(), neverAnswered, "every op is answered: applied, or rejected with a code");
                assertEquals(sent, applied + rejected.values().stream().mapToInt(Integer::intValue).sum(),
                        "every op is answered exactly once: applied or rejected");
            } finally {
                load.shutdownNow();
                clients.forEach(SheetClient::close);
            }
        }
    }

    /** One client's random ops, chosen from its own (possibly stale) table. */
    private record Client(int index, SheetClient socket, Random random, List<String> hotRows, List<String> hotCols) {

        void run(long deadline) throws Exception {
            int seq = 0;
            while (System.nanoTime() < deadline) {
                String id = "k" + index + "-" + seq++;
                socket.sendOp(socket.inspect(table -> choose(table, id)));
                Thread.sleep(5 + random.nextInt(30)); // pacing only
            }
        }

        private String choose(TableModel table, String id) {
            List<String> rows = table.rowIds();
            List<String> cols = table.columnIds();
            int dice = random.nextInt(100);
            if (dice < 30) {
                String row = pick(hotRows);
                String col = pick(hotCols);
                return SheetOps.edit(id, row, col, value(id), random.nextBoolean() ? table.baseOf(row, col) : null);
            } else if (dice < 62) {
                String row = pick(rows);
                String col = pick(cols);
                Long base = random.nextInt(4) == 0 ? table.baseOf(row, col) : null;
                return SheetOps.edit(id, row, col, random.nextInt(10) == 0 ? null : value(id), base);
            } else if (dice < 74) {
                return insert(id, rows, cols);
            } else if (dice < 82) {
                List<String> deletable = rows.stream().filter(r -> !hotRows.contains(r)).toList();
                return rows.size() > 8 && !deletable.isEmpty() ? SheetOps.deleteRow(id, pick(deletable))
                        : insert(id, rows, cols);
            } else if (dice < 88) {
                if (cols.size() >= 10) {
                    return SheetOps.renameColumn(id, pick(cols), "renamed " + id);
                }
                return SheetOps.addColumn(id, "added " + id, random.nextInt(4) == 0 ? null : pick(cols));
            } else if (dice < 97) {
                return SheetOps.renameColumn(id, pick(cols), "renamed " + id);
            } else {
                List<String> deletable = cols.stream().filter(c -> !hotCols.contains(c)).toList();
                return cols.size() > 4 && !deletable.isEmpty() ? SheetOps.deleteColumn(id, pick(deletable))
                        : SheetOps.addColumn(id, "added " + id, pick(cols));
            }
        }

        private String insert(String id, List<String> rows, List<String> cols) {
            Map<String, String> cells = new LinkedHashMap<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                cells.put(pick(cols), value(id));
            }
            return SheetOps.insertRow(id, random.nextInt(5) == 0 ? null : pick(rows), cells);
        }

        private String value(String id) {
            return switch (random.nextInt(8)) {
                case 0 -> "";
                case 1 -> "é中😀 \"quoted\" " + id;
                default -> id;
            };
        }

        private String pick(List<String> ids) {
            return ids.get(random.nextInt(ids.size()));
        }
    }
}
