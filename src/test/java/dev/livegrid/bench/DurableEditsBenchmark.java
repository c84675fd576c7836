package dev.livegrid.bench;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.protocol.Codec;
import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.sheet.Column;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Row;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Sheets;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.store.Change;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SqliteSheetStore;
import dev.livegrid.support.SheetOps;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Acknowledged durable edits per second: a {@link LiveGridServer} in this process on a data directory
 * (real SQLite on disk, {@code synchronous=FULL}), WebSocket clients (the JDK's) on 127.0.0.1 that
 * pipeline edits of random cells with a window of unanswered ops each, for a fixed time after a
 * warm-up; an edit counts when its author receives its {@code applied} ack, which the server sends
 * only once the op is committed. The same load against {@code data-dir=memory} (in-memory SQLite:
 * everything but the file and its fsyncs) is measured in the same run as the baseline.
 * <p>
 * Not a test (it asserts nothing and is never run by {@code mvn verify}): run it with
 * {@code bench/run.sh} (see docs/PERFORMANCE.md). Options, with their defaults:
 * {@code --seconds 5 --warmup 2 --sheets 1,10 --writers-per-sheet 2 --window 32 --rounds 3
 * --serial-seconds 3 --dir <java.io.tmpdir>}. Within a round, each load runs on disk and in memory
 * back to back (the order alternating from round to round); the summary gives medians over rounds
 * and their ratio, since this kind of machine is shared and noisy. {@code --serial-seconds 0} leaves
 * out the serial phase (one writer, one op at a time: one commit per op, so its rate is the commit
 * round trip). CPU time is reported for the whole process and by thread (committer, rooms, server
 * I/O, clients, the rest of the JVM).
 * <p>
 * After the rounds, unless {@code --store-seconds 0} (default 2), the store alone: the calls the
 * committer makes ({@code SheetStore.commit} of batches of 1, 32 and 256 edits, with a compacting
 * snapshot every 500 ops as a room sends), on this thread without server or clients, reporting the
 * commit's CPU and wall time per edit — what one committer thread can sustain at most.
 * <p>
 * Each phase prints {@code PHASE <label> <start> <end> <acked>} (epoch seconds of the measured
 * window) so that an fsync count ({@code bench/run.sh --count-fsyncs}, which also passes
 * {@code --sync-marker 200}: that many fsyncs and a {@code MARK} line to line the clocks up) can be
 * cut per phase.
 */
public final class DurableEditsBenchmark {

    private static final int ROWS = 200;
    private static final int COLUMNS = 5;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private DurableEditsBenchmark() {
    }

    /** What one phase measured. */
    record Result(String store, int sheets, int writers, int window, double seconds, long acked, long rejected,
                  long[] latenciesNanos, double cpuSeconds, Map<String, Long> cpuByPart, double loadAverage,
                  String label) {

        /** CPU time of one part (see {@link #part}) per 1000 acknowledged edits. */
        double cpuMillisPerThousand(String part) {
            return acked == 0 ? Double.NaN : cpuByPart.getOrDefault(part, 0L) / 1e3 / acked;
        }

        double perSecond() {
            return acked / seconds;
        }

        /** CPU time of this whole process (server and clients) per 1000 acknowledged edits. */
        double cpuMillisPerThousand() {
            return acked == 0 ? Double.NaN : cpuSeconds * 1e6 / acked;
        }

        String workload() {
            return window == 1 ? "serial: 1 sheet, 1 writer, window 1"
                    : sheets + (sheets == 1 ? " sheet, " : " sheets, ") + writers + " writers, window " + window;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, index)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(options.getOrDefault("warmup", "2"));
        double serialSeconds = Double.parseDouble(options.getOrDefault("serial-seconds", "3"));
        int writersPerSheet = Integer.parseInt(options.getOrDefault("writers-per-sheet", "2"));
        int window = Integer.parseInt(options.getOrDefault("window", "32"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int[] sheetCounts = Arrays.stream(options.getOrDefault("sheets", "1,10").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Path parent = options.containsKey("dir") ? Path.of(options.get("dir")) : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);

        Logger.getLogger("").setLevel(Level.WARNING);
        Arrays.stream(Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.WARNING));
        FileStore disk = Files.getFileStore(parent);
        System.out.printf(Locale.ROOT, "DurableEditsBenchmark: %d processors, java %s (%s), data under %s (%s, %s)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), parent.toAbsolutePath(), disk.name(), disk.type());
        System.out.printf(Locale.ROOT, "load: %d writers per sheet, window %d, %.0f s measured after %.0f s warm-up,"
                + " edits of random cells of %d x %d, 127.0.0.1%n", writersPerSheet, window, seconds, warmup, ROWS, COLUMNS);

        if (options.containsKey("sync-marker")) {
            syncMarker(parent, Integer.parseInt(options.get("sync-marker")));
        }
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            if (serialSeconds > 0) {
                // Alternate which store goes first from round to round, against drift.
                for (String store : round % 2 == 1 ? List.of("disk", "memory") : List.of("memory", "disk")) {
                    results.add(phase(store, 1, 1, 1, warmup, serialSeconds, parent, "r" + round + "-serial-" + store));
                }
            }
            for (int sheets : sheetCounts) {
                for (String store : round % 2 == 1 ? List.of("disk", "memory") : List.of("memory", "disk")) {
                    results.add(phase(store, sheets, writersPerSheet, window, warmup, seconds, parent,
                            "r" + round + "-" + sheets + "sheets-" + store));
                }
            }
        }
        printTable(results);
        double storeSeconds = Double.parseDouble(options.getOrDefault("store-seconds", "2"));
        if (storeSeconds > 0) {
            storeAlone(parent, warmup, storeSeconds);
        }
    }

    /** Room's snapshot interval (ops between compacting snapshots) and the default op window. */
    private static final int SNAPSHOT_EVERY = 500;
    private static final int OP_WINDOW = 1000;

    /**
     * The store as the committer drives it, without server, sockets or clients: batches of edits of
     * one {@link #ROWS} x {@link #COLUMNS} sheet, built beforehand as a room builds them (applied to a
     * real sheet, {@code applied} text encoded), committed on this thread; only {@code commit} is timed.
     */
    private static void storeAlone(Path parent, double warmup, double seconds) throws Exception {
        System.out.println();
        System.out.println("The store alone (SheetStore.commit on one thread, as the committer calls it):");
        System.out.println();
        System.out.println("| store | edits per commit | commits | edits | CPU µs per edit | wall µs per edit | edits/s one committer could take |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String kind : List.of("disk", "memory")) {
            for (int batch : new int[] {1, 32, 256}) {
                Path dir = kind.equals("disk") ? Files.createTempDirectory(parent, "livegrid-bench-store-") : null;
                try (SheetStore store = dir == null ? SqliteSheetStore.inMemory() : SqliteSheetStore.open(dir)) {
                    EditSource edits = new EditSource("bench-store");
                    store.commit(List.of(Change.Snapshotted.creating(edits.sheet.snapshot())));
                    long warmUntil = System.nanoTime() + (long) (warmup * 1e9);
                    while (System.nanoTime() < warmUntil) {
                        store.commit(edits.next(batch));
                    }
                    long cpu = 0;
                    long wall = 0;
                    long count = 0;
                    long commits = 0;
                    long until = System.nanoTime() + (long) (seconds * 1e9);
                    while (System.nanoTime() < until) {
                        List<Change> changes = edits.next(batch);
                        long cpuBefore = threads.getCurrentThreadCpuTime();
                        long wallBefore = System.nanoTime();
                        store.commit(changes);
                        wall += System.nanoTime() - wallBefore;
                        cpu += threads.getCurrentThreadCpuTime() - cpuBefore;
                        count += batch;
                        commits++;
                    }
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.0f |%n", kind, batch, commits,
                            count, cpu / 1e3 / count, wall / 1e3 / count, count / (wall / 1e9));
                } finally {
                    if (dir != null) {
                        deleteTree(dir);
                    }
                }
            }
        }
    }

    /** Edits of random cells of one sheet, as a room hands them to the committer, with its snapshots. */
    private static final class EditSource {

        private final Sheet sheet;
        private final List<String> rows;
        private final List<String> columns;
        private long lastSnapshot;
        private long counter;

        EditSource(String id) {
            sheet = Sheet.of(Sheets.empty(id), Limits.DEFAULT);
            for (int c = 0; c < COLUMNS; c++) {
                sheet.apply(new Op.AddColumn(null, "C" + c, null));
            }
            for (int r = 0; r < ROWS; r++) {
                sheet.apply(new Op.InsertRow(null, null, Map.of()));
            }
            rows = sheet.snapshot().rows().stream().map(Row::id).toList();
            columns = sheet.snapshot().columns().stream().map(Column::id).toList();
            lastSnapshot = sheet.version();
        }

        List<Change> next(int count) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            List<Change> changes = new ArrayList<>(count + 1);
            for (int i = 0; i < count; i++) {
                String opId = "store-" + (++counter);
                Op.Edit request = new Op.Edit(rows.get(random.nextInt(rows.size())),
                        columns.get(random.nextInt(columns.size())), "value " + opId, null);
                Outcome.Applied applied = (Outcome.Applied) sheet.apply(request);
                String text = Codec.encode(new ServerMessage.Applied(applied.version(), "bench", opId, applied.op(), null));
                changes.add(new Change.Applied(sheet.id(), new LoggedOp(applied.version(), "bench", opId, request, text,
                        Instant.now()), sheet.rowCount(), sheet.columnCount()));
                if (sheet.version() - lastSnapshot >= SNAPSHOT_EVERY) {
                    lastSnapshot = sheet.version();
                    long keepFrom = Math.min(lastSnapshot + 1, sheet.version() - OP_WINDOW + 1);
                    changes.add(Change.Snapshotted.compacting(sheet.snapshot(), keepFrom));
                }
            }
            return changes;
        }
    }

    /**
     * Lets an outside count of this process's fsyncs (bench/run.sh --count-fsyncs) line its clock up
     * with this one: {@code count} fsyncs in a row before anything else syncs, then
     * {@code MARK <epoch seconds>} at their end.
     */
    private static void syncMarker(Path parent, int count) throws IOException {
        Path file = Files.createTempFile(parent, "livegrid-bench-marker-", ".tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int i = 0; i < count; i++) {
                one.clear();
                channel.write(one, i);
                channel.force(false);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.printf(Locale.ROOT, "MARK %.3f%n", System.currentTimeMillis() / 1000.0);
    }

    /** One measured run: a fresh server, fresh sheets, the load, then everything closed again. */
    private static Result phase(String store, int sheets, int writersPerSheet, int window, double warmup,
                                double seconds, Path parent, String label) throws Exception {
        Path dir = store.equals("disk") ? Files.createTempDirectory(parent, "livegrid-bench-") : null;
        Settings settings = Settings.defaults().withPort(0).withBind("127.0.0.1").with(Map.of(
                Setting.DATA_DIR, dir == null ? Settings.IN_MEMORY : dir.toString(),
                Setting.OP_RATE, "1000000",
                Setting.OUTBOX_LIMIT, "16MiB"));
        List<Writer> writers = new ArrayList<>();
        try (LiveGridServer server = LiveGridServer.start(settings)) {
            for (int s = 0; s < sheets; s++) {
                String sheet = "bench-" + s;
                setUp(server, sheet);
                for (int w = 0; w < writersPerSheet; w++) {
                    writers.add(new Writer(server.webSocketUri("/sheets/" + sheet + "?name=bench"), "s" + s + "w" + w,
                            window));
                }
            }
            for (Writer writer : writers) {
                writer.awaitWelcome();
            }
            writers.forEach(Writer::start);
            sleep(warmup);
            long start = System.nanoTime();
            double startEpoch = System.currentTimeMillis() / 1000.0;
            long cpuStart = processCpuNanos();
            Map<Long, Long> threadsStart = threadCpuNanos();
            writers.forEach(w -> w.measureFrom(start));
            sleep(seconds);
            long end = System.nanoTime();
            double endEpoch = System.currentTimeMillis() / 1000.0;
            writers.forEach(w -> w.measureUntil(end));
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            Map<String, Long> cpuByPart = cpuByPart(threadsStart, threadCpuNanos(), (long) (cpuSeconds * 1e9));
            double load = loadAverage();
            writers.forEach(Writer::stop);
            for (Writer writer : writers) {
                writer.awaitDrained();
            }
            long acked = writers.stream().mapToLong(Writer::measured).sum();
            long rejected = writers.stream().mapToLong(Writer::rejected).sum();
            long[] latencies = writers.stream().flatMapToLong(w -> Arrays.stream(w.latencies())).sorted().toArray();
            double measuredSeconds = (end - start) / 1e9;
            writers.forEach(Writer::close);
            Result result = new Result(store, sheets, writers.size(), window, measuredSeconds, acked, rejected,
                    latencies, cpuSeconds, cpuByPart, load, label);
            System.out.printf(Locale.ROOT, "PHASE %s %.3f %.3f %d%n", label, startEpoch, endEpoch, acked);
            System.out.printf(Locale.ROOT, "  %-6s %-38s %7.0f edits/s  p50 %6.1f ms  p99 %6.1f ms  CPU %5.0f ms"
                            + " per 1000  load %.1f  rejected %d%n", store, result.workload(), result.perSecond(),
                    result.percentileMillis(0.5), result.percentileMillis(0.99), result.cpuMillisPerThousand(), load,
                    rejected);
            StringBuilder parts = new StringBuilder("         CPU ms per 1000 edits by part:");
            PARTS.forEach(part -> parts.append(String.format(Locale.ROOT, " %s %.0f", part,
                    result.cpuMillisPerThousand(part))));
            System.out.println(parts);
            return result;
        } finally {
            writers.forEach(Writer::abort);
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    /** Columns and rows to edit: {@link #COLUMNS} x {@link #ROWS}, written by one client that then leaves. */
    private static void setUp(LiveGridServer server, String sheet) throws Exception {
        Writer setup = new Writer(server.webSocketUri("/sheets/" + sheet + "?name=setup"), "setup", 64);
        setup.awaitWelcome();
        for (int c = 0; c < COLUMNS; c++) {
            setup.sendAndAwait(SheetOps.addColumn("setup-c" + c, "C" + c, null));
        }
        for (int r = 0; r < ROWS; r++) {
            setup.send(SheetOps.insertRow("setup-r" + r, null, Map.of()));
        }
        setup.awaitDrained();
        setup.close();
    }

    private static void printTable(List<Result> results) {
        System.out.println();
        System.out.println("| phase | store | load | acked edits | seconds | edits/s | p50 ms | p99 ms"
                + " | CPU ms per 1000 edits | load avg | rejected |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %.0f | %.1f | %.1f | %.0f | %.1f | %d |%n",
                    r.label(), r.store(), r.workload(), r.acked(), r.seconds(), r.perSecond(), r.percentileMillis(0.5),
                    r.percentileMillis(0.99), r.cpuMillisPerThousand(), r.loadAverage(), r.rejected());
        }
        System.out.println();
        System.out.println("Median over rounds (each round runs disk and memory back to back, in alternating order):");
        System.out.println();
        System.out.println("| load | disk edits/s | memory edits/s | disk / memory | CPU ms per 1000 edits, disk"
                + " (of it committer) | same, memory |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        Map<String, List<Result>> byLoad = new LinkedHashMap<>();
        results.forEach(r -> byLoad.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r));
        byLoad.forEach((load, runs) -> {
            double[] disk = runs.stream().filter(r -> r.store().equals("disk")).mapToDouble(Result::perSecond).toArray();
            double[] memory = runs.stream().filter(r -> r.store().equals("memory")).mapToDouble(Result::perSecond).toArray();
            double diskCpu = median(runs.stream().filter(r -> r.store().equals("disk"))
                    .mapToDouble(Result::cpuMillisPerThousand).toArray());
            double memoryCpu = median(runs.stream().filter(r -> r.store().equals("memory"))
                    .mapToDouble(Result::cpuMillisPerThousand).toArray());
            double diskCommitter = median(runs.stream().filter(r -> r.store().equals("disk"))
                    .mapToDouble(r -> r.cpuMillisPerThousand("committer")).toArray());
            double memoryCommitter = median(runs.stream().filter(r -> r.store().equals("memory"))
                    .mapToDouble(r -> r.cpuMillisPerThousand("committer")).toArray());
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.0f (%.0f) | %.0f (%.0f) |%n", load, spread(disk),
                    spread(memory), median(disk) / median(memory), diskCpu, diskCommitter, memoryCpu, memoryCommitter);
        });
    }

    /** The median, and the range when there is more than one value: {@code 5100 (4800-5300)}. */
    private static String spread(double[] values) {
        if (values.length == 1) {
            return String.format(Locale.ROOT, "%.0f", values[0]);
        }
        double min = Arrays.stream(values).min().orElse(Double.NaN);
        double max = Arrays.stream(values).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", median(values), min, max);
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Where CPU time goes, by thread name; "JVM" is the rest of the process (GC, JIT compilers). */
    private static final List<String> PARTS = List.of("committer", "rooms", "server-io", "clients", "JVM", "other");

    private static String part(String threadName) {
        String name = threadName.toLowerCase(Locale.ROOT);
        if (name.startsWith("livegrid-committer")) {
            return "committer";
        }
        if (name.startsWith("livegrid-room")) {
            return "rooms";
        }
        if (name.contains("grizzly") || name.startsWith("httpserver")) {
            return "server-io";
        }
        if (name.startsWith("httpclient")) {
            return "clients";
        }
        return "other";
    }

    private static Map<Long, Long> threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /** CPU time between two readings, by part; threads that ended meanwhile count in "JVM". */
    private static Map<String, Long> cpuByPart(Map<Long, Long> before, Map<Long, Long> after, long processNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> parts = new HashMap<>();
        long threadTotal = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            ThreadInfo info = threads.getThreadInfo(e.getKey());
            if (info == null) {
                continue;
            }
            long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            parts.merge(part(info.getThreadName()), used, Long::sum);
            threadTotal += used;
        }
        parts.put("JVM", Math.max(0, processNanos - threadTotal));
        return parts;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * One WebSocket client that keeps up to {@code window} edits unanswered: each answer sends the
     * next. Sends are chained (the JDK allows one at a time); only {@code type} and {@code id} of the
     * answers are read, so the client stays cheap next to the server.
     */
    private static final class Writer implements WebSocket.Listener {

        private final String prefix;
        private final int window;
        private final WebSocket ws;
        private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final Map<String, Long> sentAt = new HashMap<>();
        private final long[] latencies = new long[1 << 18];
        private int latencyCount;
        private CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        private boolean running;
        private int outstanding;
        private long counter;
        private long measureFrom = Long.MAX_VALUE;
        private long measureUntil = Long.MAX_VALUE;
        private long measured;
        private long rejected;
        private volatile String failure;

        Writer(URI uri, String prefix, int window) throws Exception {
            this.prefix = prefix + "-";
            this.window = window;
            HttpClient client = HttpClient.newHttpClient();
            this.ws = client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, this)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        void awaitWelcome() throws Exception {
            welcomed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        synchronized void start() {
            running = true;
            pump();
        }

        synchronized void stop() {
            running = false;
        }

        synchronized void measureFrom(long nanos) {
            measureFrom = nanos;
        }

        synchronized void measureUntil(long nanos) {
            measureUntil = nanos;
        }

        synchronized long measured() {
            return measured;
        }

        synchronized long rejected() {
            return rejected;
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(latencies, latencyCount);
        }

        /** Sends one op and waits for its answer (set-up only). */
        void sendAndAwait(String frame) throws Exception {
            send(frame);
            awaitDrained();
        }

        /** Sends one op without waiting for its answer (set-up only). */
        void send(String frame) throws Exception {
            synchronized (this) {
                outstanding++;
                sentAt.put(idOf(frame), System.nanoTime());
            }
            ws.sendText(frame, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        synchronized void awaitDrained() throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (outstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || failure != null) {
                    throw new IllegalStateException(prefix + ": " + outstanding + " ops unanswered"
                            + (failure == null ? "" : "; " + failure));
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }

        void close() {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }

        void abort() {
            if (!ws.isOutputClosed() || !ws.isInputClosed()) {
                ws.abort();
            }
        }

        /** Sends edits while the window has room (called with this writer's lock held). */
        private void pump() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running && outstanding < window && failure == null) {
                String id = prefix + (++counter);
                String frame = SheetOps.edit(id, "r" + (COLUMNS + 1 + random.nextInt(ROWS)),
                        "c" + (1 + random.nextInt(COLUMNS)), "value " + id, null);
                outstanding++;
                sentAt.put(id, System.nanoTime());
                chain = chain.thenCompose(ignored -> ws.sendText(frame, true)).whenComplete((ok, error) -> {
                    if (error != null) {
                        failure = String.valueOf(error);
                    }
                });
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                receive(text);
            }
            webSocket.request(1);
            return null;
        }

        private synchronized void receive(String text) {
            if (text.startsWith("{\"type\":\"welcome\"")) {
                welcomed.complete(null);
                return;
            }
            boolean applied = text.startsWith("{\"type\":\"applied\"");
            boolean refused = text.startsWith("{\"type\":\"rejected\"");
            if (!applied && !refused) {
                return;
            }
            Long sent = sentAt.remove(idOf(text));
            if (sent == null) {
                return; // someone else's op
            }
            long now = System.nanoTime();
            outstanding--;
            if (refused) {
                rejected++;
            } else if (now >= measureFrom && now < measureUntil) {
                measured++;
                if (latencyCount < latencies.length) {
                    latencies[latencyCount++] = now - sent;
                }
            }
            pump();
            notifyAll();
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            fail("closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(String.valueOf(error));
        }

        private synchronized void fail(String why) {
            if (failure == null && running) {
                failure = why;
            }
            notifyAll();
        }

        /** The op id of a frame or an answer: the first {@code "id":"…"}, which comes before {@code op}. */
        private static String idOf(String text) {
            int at = text.indexOf("\"id\":\"");
            if (at < 0) {
                return "";
            }
            int from = at + 6;
            return text.substring(from, text.indexOf('"', from));
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: DurableEditsBenchmark [--seconds S] [--warmup S]"
                        + " [--sheets 1,10] [--writers-per-sheet N] [--window N] [--rounds N] [--serial-seconds S]"
                        + " [--dir PATH] [--sync-marker N] [--store-seconds S]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
