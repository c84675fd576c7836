package dev.livegrid.room;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.endpoint.SheetEndpoint;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.FrameFuzz;
import dev.livegrid.support.ServerLogRecords;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@code /sheets/{sheetId}} on a real standalone server: while honest clients edit a sheet,
 * {@link FuzzClient}s on the same sheet send random and damaged text frames, binary frames, messages
 * near and over {@code max-message-size} and valid ops in between, and {@link RawFuzzClient}s send what
 * no WebSocket library would (fragments cut inside UTF-8 sequences with pings between them, text that
 * is not UTF-8, reserved bits and opcodes, unmasked frames, oversized headers, forbidden close codes).
 * {@code op-rate} is raised so that the rate limiter refuses nothing, and 50 refusals in a row closing a
 * connection with 1008 is expected: the client reconnects, and it is counted. Afterwards:
 * <ul>
 *   <li>every frame got its documented answer (docs/PROTOCOL.md §2 and §7.4; the clients check each
 *       as it comes);</li>
 *   <li>nothing was logged at SEVERE, nor at WARNING by LiveGrid (records of {@code dev.livegrid},
 *       Tyrus and Grizzly are captured), and the sheet endpoint's error handler caught nothing but
 *       sends that raced a close;</li>
 *   <li>once everyone has left, the server has no session open ({@link LiveGridServer#openSessions()}),
 *       and a new joiner is alone in the sheet;</li>
 *   <li>the honest clients converge: every version once, in order, and the server's table.</li>
 * </ul>
 * <p>
 * {@code -Dlivegrid.fuzz.frames=N} (default 50,000) frames in all, sent within {@code
 * -Dlivegrid.fuzz.budget} (default 60s; a run that has not sent them by then fails, saying how far it
 * got); {@code -Dlivegrid.fuzz.seed=N} replays the clients' choices (not their timing).
 */
class SheetSocketFuzzTest {

    private static final int FRAMES = Integer.getInteger("livegrid.fuzz.frames", 50_000);
    private static final Duration BUDGET = duration(System.getProperty("livegrid.fuzz.budget", "60s"));
    private static final int FUZZ_CLIENTS = 4;
    private static final int RAW_CLIENTS = 2;
    /** Of every frame, the share the raw-socket clients send. */
    private static final double RAW_SHARE = 0.2;
    private static final int HONEST_CLIENTS = 3;
    private static final int MAX_MESSAGE_SIZE = 64 * 1024;
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final String SHEET = "fuzz";

    @Test
    void everyBadFrameGetsItsDocumentedAnswerAndHonestClientsConverge() throws Exception {
        long seed = Long.getLong("livegrid.fuzz.seed", System.nanoTime());
        System.out.printf("[socket-fuzz] seed=%d frames=%d budget=%s (replay: -Dlivegrid.fuzz.seed=%d)%n",
                seed, FRAMES, BUDGET, seed);
        // Rows and columns are bounded so that the sheet, which every reconnect is sent whole, stays small.
        Settings settings = TestSettings.loopback().with(Map.of(
                Setting.OP_RATE, "100000",
                Setting.MAX_MESSAGE_SIZE, String.valueOf(MAX_MESSAGE_SIZE),
                Setting.OUTBOX_LIMIT, "8MiB",
                Setting.MAX_ROWS, "300",
                Setting.MAX_COLUMNS, "30"));
        List<SheetClient> honest = new ArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (ServerLogRecords log = new ServerLogRecords(SheetEndpoint.class.getName());
             LiveGridServer server = LiveGridServer.start(settings)) {
            URI sheet = server.webSocketUri("/sheets/" + SHEET);
            for (int i = 0; i < HONEST_CLIENTS; i++) {
                honest.add(new SheetClient().keepApplied(false).connect(URI.create(sheet + "?client=honest-client-key-" + i)));
            }
            for (SheetClient c : honest) {
                c.awaitWelcome();
            }
            setUp(honest);
            AtomicReference<List<String>> rows = new AtomicReference<>(honest.get(0).table().rowIds());
            AtomicReference<List<String>> columns = new AtomicReference<>(honest.get(0).table().columnIds());

            long started = System.nanoTime();
            long cpuStarted = processCpuNanos();
            long deadline = started + BUDGET.toNanos();
            AtomicBoolean fuzzing = new AtomicBoolean(true);
            List<Future<?>> editors = new ArrayList<>();
            for (int i = 0; i < HONEST_CLIENTS; i++) {
                Honest h = new Honest(i, honest.get(i), new Random(seed + 100 + i), rows, columns);
                editors.add(threads.submit(() -> h.run(fuzzing)));
            }
            List<FuzzClient> fuzzers = new ArrayList<>();
            List<RawFuzzClient> raws = new ArrayList<>();
            List<Future<?>> running = new ArrayList<>();
            int rawQuota = (int) Math.ceil(FRAMES * RAW_SHARE / RAW_CLIENTS);
            int fuzzQuota = (int) Math.ceil((FRAMES - rawQuota * RAW_CLIENTS) / (double) FUZZ_CLIENTS);
            for (int i = 0; i < FUZZ_CLIENTS; i++) {
                Random random = new Random(seed + i);
                FuzzClient f = new FuzzClient("fuzz-" + i, URI.create(sheet + "?client=fuzz-client-key-" + i + "&name=F" + i),
                        random, new FrameFuzz(random, rows::get, columns::get, false, 12_000), MAX_MESSAGE_SIZE);
                fuzzers.add(f);
                running.add(threads.submit(() -> {
                    f.run(fuzzQuota, deadline);
                    return null;
                }));
            }
            for (int i = 0; i < RAW_CLIENTS; i++) {
                Random random = new Random(seed + 50 + i);
                RawFuzzClient r = new RawFuzzClient("raw-" + i, server.baseUri(), "sheets/" + SHEET, random,
                        new FrameFuzz(random, rows::get, columns::get, false, 12_000), MAX_MESSAGE_SIZE);
                raws.add(r);
                running.add(threads.submit(() -> {
                    r.run(rawQuota, deadline);
                    return null;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<?> f : running) {
                try {
                    f.get(BUDGET.plus(SETTLE).toNanos(), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    failures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
                }
            }
            long fuzzNanos = System.nanoTime() - started;
            long fuzzCpuNanos = processCpuNanos() - cpuStarted;
            fuzzing.set(false);
            for (Future<?> e : editors) {
                e.get(SETTLE.toSeconds(), TimeUnit.SECONDS);
            }
            long last = converge(honest, sheet);

            Report report = new Report(fuzzers, raws, honest, fuzzNanos, fuzzCpuNanos, last);
            System.out.println(report);
            fuzzers.forEach(f -> failures.addAll(f.problems()));
            raws.forEach(r -> failures.addAll(r.problems()));
            assertEquals(List.of(), failures, "every frame gets its documented answer; seed " + seed);
            assertTrue(report.frames >= FRAMES, "sent " + report.frames + " of " + FRAMES + " frames within the budget of "
                    + BUDGET + " (-Dlivegrid.fuzz.budget); seed " + seed);
            assertTrue(report.strikeOuts > 0 && report.closes.getOrDefault(1007, 0) > 0
                    && report.closes.getOrDefault(1002, 0) > 0 && report.closes.getOrDefault(1009, 0) > 0,
                    "the run closed connections for refusals (1008), bad frames (1002), bad UTF-8 (1007) and size (1009): "
                            + report.closes);

            honest.forEach(SheetClient::close);
            awaitNoSession(server);
            SheetClient last1 = SheetClient.join(sheet);
            last1.awaitUsers(users -> users.keySet().equals(java.util.Set.of(last1.you())), SheetClient.TIMEOUT,
                    "nobody else is in the sheet any more");
            last1.close();
            awaitNoSession(server);

            List<LogRecord> severe = log.atLeast(Level.SEVERE);
            List<LogRecord> warnings = log.of("dev.livegrid", Level.WARNING);
            List<LogRecord> caught = log.of(SheetEndpoint.class.getName(), Level.FINE);
            System.out.println("[socket-fuzz] log: " + severe.size() + " SEVERE, " + log.atLeast(Level.WARNING).size()
                    + " WARNING or worse, " + caught.size() + " caught by the sheet endpoint's error handler: "
                    + ServerLogRecords.describe(log.atLeast(Level.WARNING), 10) + ServerLogRecords.describe(caught, 10));
            assertEquals(List.of(), ServerLogRecords.describe(severe, 20), "nothing logged at SEVERE");
            assertEquals(List.of(), ServerLogRecords.describe(warnings, 20), "LiveGrid logged no WARNING");
            // A send racing a close is reported to the endpoint, and expected; nothing else may get there.
            List<String> unexpected = ServerLogRecords.describe(caught, 1000).stream()
                    .filter(line -> !line.contains("IllegalStateException: The connection has been closed")
                            && !line.contains("IOException"))
                    .toList();
            assertEquals(List.of(), unexpected, "what the sheet endpoint's error handler caught");
        } finally {
            threads.shutdownNow();
            honest.forEach(SheetClient::close);
        }
    }

    /** A few columns and rows for everyone's ops to name. */
    private static void setUp(List<SheetClient> honest) throws Exception {
        SheetClient first = honest.get(0);
        for (int i = 0; i < 4; i++) {
            first.sendOp(SheetOps.addColumn("setup-c" + i, "col " + i, null));
        }
        for (int i = 0; i < 6; i++) {
            first.sendOp(SheetOps.insertRow("setup-r" + i, null, Map.of()));
        }
        first.awaitAllAnswered(SETTLE);
        for (SheetClient c : honest) {
            c.awaitVersion(first.version(), SETTLE);
        }
    }

    /**
     * Once every honest op is answered, a marker op is the sheet's last version; every honest client
     * then holds the server's table (a fresh joiner's) and has seen every version once, in order (a
     * version merged into a newer edit of its cell counts as seen: it is listed in {@code skipped}).
     */
    private static long converge(List<SheetClient> honest, URI sheet) throws Exception {
        for (SheetClient c : honest) {
            c.awaitAllAnswered(SETTLE);
        }
        SheetClient first = honest.get(0);
        first.sendOp(SheetOps.insertRow("marker", null, Map.of()));
        first.awaitAnswer("marker", SETTLE);
        long last = first.version();
        for (SheetClient c : honest) {
            c.awaitVersion(last, SETTLE);
        }
        SheetClient fresh = SheetClient.join(sheet);
        TableModel server = fresh.table();
        fresh.close();
        assertEquals(last, server.version(), "the fresh joiner's welcome is at the marker's version");
        for (int i = 0; i < honest.size(); i++) {
            SheetClient c = honest.get(i);
            String who = "honest client " + i;
            assertEquals(List.of(), c.problems(), who);
            assertEquals(List.of(), c.answeredTwice(), who);
            List<Long> seen = new ArrayList<>(c.appliedToTable());
            assertEquals(c.appliedSeen(), seen, who + " was never sent a version twice");
            seen.addAll(c.skipped());
            seen.sort(null);
            assertEquals(LongStream.rangeClosed(1, last).boxed().toList(), seen,
                    who + " saw versions 1.." + last + " once each (skipped: " + c.skipped().size() + ")");
            assertTrue(c.appliedSeen().equals(c.appliedSeen().stream().sorted().toList()), who + ": in order");
            TableModel mine = c.table();
            assertEquals(server, mine, () -> who + " differs from the server: " + mine.firstDifference(server));
        }
        return last;
    }

    private static void awaitNoSession(LiveGridServer server) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (server.openSessions() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20); // polling a count the server keeps; nothing to wait on
        }
        assertEquals(0, server.openSessions(), "sessions still open " + SETTLE + " after everyone left");
    }

    /** One honest editor: valid ops chosen from its own table, a few at a time, until the fuzzing stops. */
    private record Honest(int index, SheetClient socket, Random random, AtomicReference<List<String>> rows,
                          AtomicReference<List<String>> columns) {

        Void run(AtomicBoolean fuzzing) throws Exception {
            int seq = 0;
            while (fuzzing.get()) {
                socket.awaitUnansweredBelow(4, SETTLE);
                String id = "h" + index + "-" + seq++;
                socket.sendOp(socket.inspect(table -> choose(table, id)));
                if (index == 0) {
                    rows.set(socket.inspect(TableModel::rowIds));
                    columns.set(socket.inspect(TableModel::columnIds));
                }
                Thread.sleep(2 + random.nextInt(10)); // pacing only
            }
            return null;
        }

        private String choose(TableModel table, String id) {
            List<String> rowIds = table.rowIds();
            List<String> colIds = table.columnIds();
            int dice = random.nextInt(100);
            if (dice < 55 || rowIds.isEmpty() || colIds.isEmpty()) {
                if (rowIds.isEmpty() || colIds.isEmpty()) {
                    return colIds.isEmpty() ? SheetOps.addColumn(id, "col " + id, null) : SheetOps.insertRow(id, null, Map.of());
                }
                String row = pick(rowIds);
                String col = pick(colIds);
                return SheetOps.edit(id, row, col, "v " + id, random.nextInt(3) == 0 ? table.baseOf(row, col) : null);
            } else if (dice < 75) {
                Map<String, String> cells = new LinkedHashMap<>();
                cells.put(pick(colIds), "new " + id);
                return SheetOps.insertRow(id, random.nextInt(4) == 0 ? null : pick(rowIds), cells);
            } else if (dice < 88) {
                return rowIds.size() > 20 ? SheetOps.deleteRow(id, pick(rowIds)) : SheetOps.insertRow(id, null, Map.of());
            } else if (dice < 94) {
                return colIds.size() < 12 ? SheetOps.addColumn(id, "added " + id, pick(colIds))
                        : SheetOps.renameColumn(id, pick(colIds), "renamed " + id);
            } else if (dice < 98) {
                return SheetOps.renameColumn(id, pick(colIds), "renamed " + id);
            }
            return colIds.size() > 6 ? SheetOps.deleteColumn(id, pick(colIds)) : SheetOps.addColumn(id, "added " + id, null);
        }

        private String pick(List<String> ids) {
            return ids.get(random.nextInt(ids.size()));
        }
    }

    /** What the run did, for the log. */
    private static final class Report {
        final int frames;
        final int strikeOuts;
        final Map<Integer, Integer> closes = new TreeMap<>();
        private final String text;

        Report(List<FuzzClient> fuzzers, List<RawFuzzClient> raws, List<SheetClient> honest, long nanos, long cpuNanos,
               long version) {
            int total = 0;
            int errors = 0;
            int ops = 0;
            int focusErrors = 0;
            int strikes = 0;
            Map<String, Integer> sent = new TreeMap<>();
            Map<String, Integer> rejected = new TreeMap<>();
            for (FuzzClient f : fuzzers) {
                synchronized (f) {
                    total += f.frames;
                    errors += f.errorsMatched;
                    focusErrors += f.focusErrors;
                    ops += f.appliedOwn;
                    f.sent.forEach((k, v) -> sent.merge(k, v, Integer::sum));
                    f.rejected.forEach((k, v) -> rejected.merge(k, v, Integer::sum));
                    f.closes.forEach((k, v) -> closes.merge(k, v, Integer::sum));
                    strikes += f.closes.getOrDefault(1008, 0);
                }
            }
            int rawFrames = 0;
            int rawErrors = 0;
            int pongs = 0;
            int connections = 0;
            Map<String, Integer> endings = new TreeMap<>();
            for (RawFuzzClient r : raws) {
                rawFrames += r.frames;
                rawErrors += r.errorsMatched;
                pongs += r.pongsMatched;
                connections += r.connections;
                r.endings.forEach((k, v) -> endings.merge(k, v, Integer::sum));
                r.closes.forEach((k, v) -> closes.merge(k, v, Integer::sum));
                strikes += r.closes.getOrDefault(1008, 0);
            }
            int honestOps = honest.stream().mapToInt(SheetClient::sentOps).sum();
            this.frames = total + rawFrames;
            this.strikeOuts = strikes;
            this.text = String.format(Locale.ROOT, "[socket-fuzz] %d frames in %d ms (%.0f/s; server and clients used"
                            + " %d ms of CPU): JDK clients %d %s,"
                            + " errors matched %d, focus errors %d, own ops applied %d, rejected %s;"
                            + " raw clients %d frames on %d connections, errors matched %d, pongs matched %d, endings %s;"
                            + " closes by code %s; honest ops %d; sheet at version %d",
                    frames, nanos / 1_000_000, frames / (nanos / 1e9), cpuNanos / 1_000_000, total, sent, errors, focusErrors, ops, rejected,
                    rawFrames, connections, rawErrors, pongs, endings, closes, honestOps, version);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        long amount = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        return switch (t.replaceAll("^[0-9]+", "")) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("livegrid.fuzz.budget: not a duration: '" + text + "' (60s, 15m)");
        };
    }
}
