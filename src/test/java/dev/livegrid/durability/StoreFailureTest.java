package dev.livegrid.durability;

import dev.livegrid.support.WriteLock;

import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;

import static dev.livegrid.durability.Durable.getSheet;
import static dev.livegrid.durability.Durable.json;
import static dev.livegrid.durability.Durable.post;
import static dev.livegrid.durability.Durable.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store that cannot commit while the server runs: ops are rejected with {@code store-unavailable}
 * (socket) or 503 (HTTP), nothing is broadcast for them, the sheet's version as readers see it does
 * not move, reads go on, the log says what happened, and once the condition clears ops commit again
 * with the next version and nothing lost.
 * <p>
 * Three ways to make commits fail while the server runs:
 * <ul>
 * <li>the data directory on a tiny tmpfs that the test fills up (SQLite: "database or disk is full");
 *     needs root and {@code mount}, skipped otherwise;</li>
 * <li>{@code chattr +i} on SQLite's WAL file (every write fails: "disk I/O error"); needs root and a
 *     file system that supports it, skipped otherwise;</li>
 * <li>always: another connection holding SQLite's write lock ({@code BEGIN EXCLUSIVE}); the server's
 *     commit waits its 5 s busy timeout, then fails with "database is locked" — so each failed commit
 *     takes 5 s in that variant.</li>
 * </ul>
 * Also: ops streaming through a full disk and back, and through a hundred failures and recoveries
 * (the WAL made immutable and writable again), never leave a rejected op in the store nor lose an
 * acknowledged one; and a server refuses to start on a file that is not a database.
 */
@Timeout(300)
class StoreFailureTest {

    /** How long a failing commit may take: the busy timeout (5 s) and some slack. */
    private static final Duration FAILS_WITHIN = Duration.ofSeconds(20);

    private static final Logger COMMITTER_LOG = Logger.getLogger("dev.livegrid.room.Committer");
    private static final List<LogRecord> LOGGED = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LOGGED.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private static TinyDisk disk;
    private static final StringBuilder NO_DISK = new StringBuilder();

    @TempDir
    Path tempDir;

    private final List<LiveGridServer> servers = new ArrayList<>();
    private final List<SheetClient> clients = new ArrayList<>();
    private final List<Path> immutable = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        CAPTURE.setLevel(Level.ALL);
        COMMITTER_LOG.addHandler(CAPTURE);
        disk = TinyDisk.mount("32m", NO_DISK).orElse(null);
    }

    @AfterAll
    static void tearDown() {
        COMMITTER_LOG.removeHandler(CAPTURE);
        if (disk != null) {
            disk.close();
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        immutable.forEach(Immutable::clear);
        clients.forEach(SheetClient::close);
        servers.forEach(LiveGridServer::close);
        if (disk != null) {
            disk.free();
        }
    }

    /** A way to make the store's commits fail, and to stop doing so. */
    private interface Failure {
        void begin() throws Exception;

        void end() throws Exception;

        /** What the log must mention about the cause (lower case). */
        String cause();
    }

    // ---- the variants ----

    @Test
    void aFullDiskRejectsOpsLoudlyKeepsReadsAndRecovers() throws Exception {
        TinyDisk tiny = requireTinyDisk();
        Path data = Files.createDirectories(tiny.path().resolve("on-tmpfs"));
        failureIsLoudAndRecoverable(data, new Failure() {
            @Override
            public void begin() throws Exception {
                tiny.fill();
            }

            @Override
            public void end() throws Exception {
                tiny.free();
            }

            @Override
            public String cause() {
                return "disk is full"; // SQLITE_FULL: "database or disk is full"
            }
        });
    }

    @Test
    void aWriteLockHeldElsewhereRejectsOpsLoudlyKeepsReadsAndRecovers() throws Exception {
        Path data = tempDir.resolve("locked");
        WriteLock lock = new WriteLock(data.resolve("livegrid.db"));
        try {
            failureIsLoudAndRecoverable(data, new Failure() {
                @Override
                public void begin() throws Exception {
                    lock.lock();
                }

                @Override
                public void end() throws Exception {
                    lock.unlock();
                }

                @Override
                public String cause() {
                    return "database is locked"; // SQLITE_BUSY
                }
            });
        } finally {
            lock.close();
        }
    }

    @Test
    void anUnwritableWalFileRejectsOpsLoudlyKeepsReadsAndRecovers() throws Exception {
        Path data = tempDir.resolve("immutable");
        Path wal = data.resolve("livegrid.db-wal");
        failureIsLoudAndRecoverable(data, new Failure() {
            @Override
            public void begin() {
                String why = Immutable.unavailableIn(data);
                Assumptions.assumeTrue(why == null, () -> "chattr +i does not work here: " + why);
                immutable.add(wal);
                Immutable.set(wal);
            }

            @Override
            public void end() {
                Immutable.clear(wal);
            }

            @Override
            public String cause() {
                return "disk i/o error"; // SQLITE_IOERR
            }
        });
    }

    @Test
    void aServerRefusesToStartOnAFileThatIsNotADatabaseAndSaysWhy() throws Exception {
        Path data = Files.createDirectories(tempDir.resolve("garbage"));
        Path file = data.resolve("livegrid.db");
        byte[] garbage = "this is not an SQLite database, just some text that happens to be here\n".repeat(200)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(file, garbage);
        long threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("livegrid-")).count();

        dev.livegrid.store.StoreException refused = org.junit.jupiter.api.Assertions.assertThrows(
                dev.livegrid.store.StoreException.class, () -> start(data));

        assertTrue(refused.getMessage().contains(file.toAbsolutePath().toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("not a database"), refused.getMessage());
        org.junit.jupiter.api.Assertions.assertArrayEquals(garbage, Files.readAllBytes(file), "the file is untouched");
        assertEquals(threads, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("livegrid-")).count(), "no threads left behind");
        // Moved aside, the directory serves again (the refused start gave its lock back).
        Files.move(file, data.resolve("livegrid.db.broken"));
        LiveGridServer server = start(data);
        assertEquals(0, Durable.welcomeTable(server, "fresh").version());
    }

    // ---- the behaviour, whatever the cause ----

    private void failureIsLoudAndRecoverable(Path data, Failure failure) throws Exception {
        LiveGridServer server = start(data);
        SheetClient writer = join(server, "ledger");
        SheetClient observer = join(server, "ledger");
        writer.sendOp(SheetOps.addColumn("a1", "item", null));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = writer.table().columnIds().get(0);
        writer.sendOp(SheetOps.insertRow("a2", null, Map.of(col, "before")));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        String row = writer.table().rowIds().get(0);
        writer.sendOp(SheetOps.edit("a3", row, col, "committed", null));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        observer.awaitVersion(3, SheetClient.TIMEOUT);
        TableModel committed = writer.table();
        String committedBody = getSheet(server, "ledger");
        // A stored sheet whose room is not open: reading it needs the store.
        try (SheetClient cold = join(server, "cold")) {
            cold.sendOp(SheetOps.addColumn("c1", "cold", null));
            cold.awaitAllAnswered(SheetClient.TIMEOUT);
        }
        LOGGED.clear();

        failure.begin();

        // A socket op: rejected with store-unavailable, after the failed commit.
        writer.sendOp(SheetOps.edit("x1", row, col, "lost", null));
        // Meanwhile (its commit may be waiting for the lock): a sheet that is not in memory is read, and
        // a little later someone joins the sheet that is in memory. Both must work; how long they take
        // is printed (with a write lock held elsewhere, a commit holds the store for its 5 s busy timeout).
        boolean committing = awaitCommitInProgress(Duration.ofSeconds(2)); // seen only while a commit waits
        long coldStart = System.nanoTime();
        CompletableFuture<String> coldRead = CompletableFuture.supplyAsync(() -> {
            try {
                return getSheet(server, "cold");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            coldRead.get(200, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillWaiting) {
            // the read waits for the store: join meanwhile
        }
        long joinStart = System.nanoTime();
        TableModel joined = Durable.welcomeTable(server, "ledger");
        long joinMs = (System.nanoTime() - joinStart) / 1_000_000;
        JsonObject cold = json(coldRead.get(30, TimeUnit.SECONDS));
        System.out.printf("STORE-FAILURE (%s): while a commit fails (committer seen in it: %s), GET of a sheet not"
                        + " in memory took %d ms; joining the sheet in memory (started 200 ms later) took %d ms%n",
                failure.cause(), committing, (System.nanoTime() - coldStart) / 1_000_000, joinMs);
        assertEquals(1, version(cold));
        assertEquals(committed, joined);
        writer.awaitAnswer("x1", FAILS_WITHIN);
        JsonObject rejected = writer.next("rejected");
        assertEquals("x1", rejected.getString("id"), rejected.toString());
        assertEquals("store-unavailable", rejected.getString("code"), rejected.toString());
        assertTrue(rejected.getString("message").contains("store"), rejected.toString());
        assertEquals(Map.of("store-unavailable", 1), writer.rejectedByCode());

        // An HTTP op: 503 with the same code.
        HttpResponse<String> http = post(server, "/api/sheets/ledger/ops", SheetOps.edit("h1", row, col, "lost too", null));
        assertEquals(503, http.statusCode(), http.body());
        assertEquals("store-unavailable", json(http.body()).getString("code"), http.body());
        assertEquals("h1", json(http.body()).getString("id"), http.body());

        // The log says what happened, at SEVERE (the cause is checked last, see below).
        assertLoggedStoreUnavailable();
        List<LogRecord> logged = List.copyOf(LOGGED);

        // Reads go on, at the committed version: GET, a new joiner, a sheet read from the store.
        assertEquals(committedBody, getSheet(server, "ledger"), "GET does not move while nothing commits");
        assertEquals(committed, Durable.welcomeTable(server, "ledger"), "a new joiner gets the committed sheet");
        assertEquals(3, writer.version());
        assertEquals(1, version(json(getSheet(server, "cold"))));

        // A sheet created while the store fails: it can be joined, its ops are refused.
        SheetClient born = join(server, "born");
        assertEquals(0, born.version());
        born.sendOp(SheetOps.addColumn("b1", "x", null));
        born.awaitAnswer("b1", FAILS_WITHIN);
        assertEquals(Map.of("store-unavailable", 1), born.rejectedByCode());

        failure.end();

        // Ops commit again, with the next version; the rejected ones were never broadcast.
        writer.sendOp(SheetOps.edit("y1", row, col, "after", null));
        writer.awaitAnswer("y1", SheetClient.TIMEOUT);
        assertEquals(4, writer.version(), "the next op after the failure is version 4");
        HttpResponse<String> again = post(server, "/api/sheets/ledger/ops", SheetOps.edit("h2", row, col, "by http", null));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(5, version(json(again.body())));
        observer.awaitVersion(5, SheetClient.TIMEOUT);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), observer.appliedSeen(), "no applied message for a rejected op");
        assertEquals(Map.of(), observer.rejectedByCode());
        assertEquals(List.of(), observer.problems());
        born.sendOp(SheetOps.addColumn("b2", "y", null));
        born.awaitAnswer("b2", SheetClient.TIMEOUT);
        assertEquals(1, born.version(), "the new sheet commits too, from version 1 (its refusals: "
                + born.rejectedByCode() + ", " + born.problems() + ")");
        TableModel ledger = observer.table();
        TableModel bornTable = born.table();
        assertEquals(5, version(json(getSheet(server, "ledger"))));

        // Nothing lost and nothing rejected kept, across a restart.
        List.of(writer, observer, born).forEach(SheetClient::close);
        servers.remove(server);
        server.close();
        LiveGridServer restarted = start(data);
        TableModel restored = Durable.welcomeTable(restarted, "ledger");
        assertEquals(ledger, restored, ledger.firstDifference(restored));
        assertEquals(bornTable, Durable.welcomeTable(restarted, "born"));
        assertEquals(1, version(json(getSheet(restarted, "cold"))));

        // Last, so that these do not hide the checks above: the log names the cause, and a join of a
        // sheet in memory does not wait for a failing commit (half the 5 s busy timeout is plenty).
        org.junit.jupiter.api.Assertions.assertAll(
                () -> assertLoggedCause(logged, failure.cause()),
                () -> assertTrue(joinMs < 2500, "joining a sheet that is in memory took " + joinMs
                        + " ms while a commit was failing: it waited for the store"));
    }

    private static void assertLoggedStoreUnavailable() {
        List<LogRecord> severe = LOGGED.stream().filter(r -> r.getLevel() == Level.SEVERE).toList();
        assertFalse(severe.isEmpty(), "a SEVERE record from the committer; got " + describe(LOGGED));
        assertTrue(severe.stream().anyMatch(r -> r.getMessage().contains("store-unavailable")),
                "the log names store-unavailable: " + describe(severe));
    }

    private static void assertLoggedCause(List<LogRecord> logged, String cause) {
        List<LogRecord> severe = logged.stream().filter(r -> r.getLevel() == Level.SEVERE).toList();
        assertTrue(severe.stream().anyMatch(r -> text(r).toLowerCase().contains(cause)),
                "the log says what happened ('" + cause + "'), not only that a commit failed: " + describe(severe));
    }

    // ---- ops streaming through a failure and its end ----

    /**
     * Ops keep coming while the disk fills up and is freed again: every op is answered once, applied
     * ones are exactly the versions 1..N in order, no rejected op is ever committed, and the sheet
     * keeps committing afterwards (a rejected op's change committed late would take a version that the
     * room hands out again: every later commit of that version would fail).
     */
    @Test
    void opsStreamingThroughAFullDiskAndBackAreEachAnsweredOnceAndNoRejectedOpIsCommitted() throws Exception {
        TinyDisk tiny = requireTinyDisk();
        Path data = Files.createDirectories(tiny.path().resolve("stream"));
        LiveGridServer server = start(data);
        SheetClient writer = join(server, "stream").keepApplied(false);
        writer.sendOp(SheetOps.addColumn("c", "A", null));
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        String col = writer.table().columnIds().get(0);
        for (int i = 0; i < 10; i++) {
            writer.sendOp(SheetOps.insertRow("r" + i, null, Map.of()));
        }
        writer.awaitAllAnswered(SheetClient.TIMEOUT);
        List<String> rows = writer.table().rowIds();

        for (int round = 0; round < 2; round++) {
            AtomicBoolean sending = new AtomicBoolean(true);
            int first = round * 100_000;
            CompletableFuture<Integer> sender = CompletableFuture.supplyAsync(() -> {
                int i = first;
                try {
                    while (sending.get()) {
                        writer.sendOp(SheetOps.edit("s" + i, rows.get(i % rows.size()), col, "s" + i, null));
                        i++;
                        writer.awaitUnansweredBelow(64, SheetClient.TIMEOUT);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return i - first;
            });
            long base = writer.version();
            awaitTrue(() -> writer.version() >= base + 30, "ops commit before the disk fills");
            tiny.fill();
            int rejectedBefore = writer.rejectedByCode().getOrDefault("store-unavailable", 0);
            awaitTrue(() -> writer.rejectedByCode().getOrDefault("store-unavailable", 0) >= rejectedBefore + 300,
                    "ops are rejected while the disk is full");
            tiny.free();
            long freed = writer.version();
            awaitTrue(() -> writer.version() >= freed + 100, "ops commit again once the disk has room: at v"
                    + writer.version() + ", rejected " + writer.rejectedByCode());
            sending.set(false);
            int sent = sender.get(60, TimeUnit.SECONDS);
            writer.awaitAllAnswered(Duration.ofSeconds(30));
            System.out.printf("STREAM round %d: %d edits sent, now at v%d, rejected %s%n", round, sent,
                    writer.version(), writer.rejectedByCode());
        }

        assertEquals(List.of(), writer.problems());
        assertEquals(List.of(), writer.answeredTwice(), "every op answered once");
        assertEquals(List.of("store-unavailable"), List.copyOf(writer.rejectedByCode().keySet()));
        long version = writer.version();
        int rejected = writer.rejectedByCode().get("store-unavailable");
        assertEquals(LongStream.rangeClosed(1, version).boxed().toList(), writer.appliedToTable(),
                "applied versions are 1..N, in order, none skipped");
        assertEquals(writer.sentOps(), version + rejected, "each op either applied (one version each) or rejected");

        // The sheet keeps committing: each next op gets the next version.
        for (int i = 0; i < 20; i++) {
            writer.sendOp(SheetOps.edit("after" + i, rows.get(i % rows.size()), col, "after" + i, null));
            writer.awaitAnswer("after" + i, SheetClient.TIMEOUT);
            assertEquals(Map.of("store-unavailable", rejected), writer.rejectedByCode(),
                    "op after" + i + " after the disk was freed is committed");
            assertEquals(version + i + 1, writer.version());
        }
        TableModel had = writer.table();
        assertEquals(had, TableModel.fromWelcome(json(getSheet(server, "stream"))));
        servers.remove(server);
        server.close();
        TableModel restored = Durable.welcomeTable(start(data), "stream");
        assertEquals(had, restored, "only acknowledged ops were committed: " + had.firstDifference(restored));
    }

    /**
     * The store fails and recovers many times while ops stream in (the WAL file made immutable and
     * writable again: unlike a full disk, which SQLite rides out once its WAL has grown, this fails
     * every commit). After every recovery the next ops must commit — a rejected op whose change was
     * committed after all would hold a version the room hands out again — and after every stop the
     * sheet must come back exactly as the client had it.
     */
    @Test
    void aStoreThatFailsAndRecoversManyTimesNeverCommitsARejectedOpNorLosesAnAcknowledgedOne() throws Exception {
        Path data = tempDir.resolve("flapping");
        Path wal = data.resolve("livegrid.db-wal");
        int sent = 0;
        for (int life = 0; life < 4; life++) {
            LiveGridServer server = start(data);
            SheetClient writer = join(server, "flapping").keepApplied(false);
            if (writer.version() == 0) {
                writer.sendOp(SheetOps.addColumn("c", "A", null));
                writer.awaitAllAnswered(SheetClient.TIMEOUT);
                writer.sendOp(SheetOps.insertRow("r", null, Map.of()));
                writer.awaitAllAnswered(SheetClient.TIMEOUT);
                String why = Immutable.unavailableIn(data);
                Assumptions.assumeTrue(why == null, () -> "chattr +i does not work here: " + why);
                immutable.add(wal);
            }
            String col = writer.table().columnIds().get(0);
            String row = writer.table().rowIds().get(0);
            AtomicBoolean sending = new AtomicBoolean(true);
            String prefix = "l" + life + "-";
            CompletableFuture<Integer> sender = CompletableFuture.supplyAsync(() -> {
                int i = 0;
                try {
                    while (sending.get()) {
                        writer.sendOp(SheetOps.edit(prefix + i, row, col, prefix + i, null));
                        i++;
                        writer.awaitUnansweredBelow(32, SheetClient.TIMEOUT);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return i;
            });
            for (int flap = 0; flap < 25; flap++) {
                long base = writer.version();
                awaitTrue(() -> writer.version() >= base + 3, "life " + life + ", flap " + flap
                        + ": ops commit while the store works: at v" + writer.version() + ", " + writer.rejectedByCode());
                Immutable.set(wal);
                int before = writer.rejectedByCode().getOrDefault("store-unavailable", 0);
                awaitTrue(() -> writer.rejectedByCode().getOrDefault("store-unavailable", 0) >= before + 5,
                        "rejections while the store fails: at v" + writer.version() + ", " + writer.rejectedByCode());
                Immutable.clear(wal);
            }
            sending.set(false);
            sent += sender.get(60, TimeUnit.SECONDS);
            writer.awaitAllAnswered(Duration.ofSeconds(30));
            int rejected = writer.rejectedByCode().getOrDefault("store-unavailable", 0);
            long version = writer.version();
            assertEquals(List.of(), writer.problems());
            assertEquals(List.of(), writer.answeredTwice());
            assertEquals(List.of("store-unavailable"), List.copyOf(writer.rejectedByCode().keySet()));
            for (int i = 0; i < 10; i++) {
                String id = prefix + "after" + i;
                writer.sendOp(SheetOps.edit(id, row, col, id, null));
                writer.awaitAnswer(id, SheetClient.TIMEOUT);
                assertEquals(version + i + 1, writer.version(), "life " + life + ": op " + id
                        + " after the store recovered commits as the next version; rejected " + writer.rejectedByCode());
            }
            TableModel had = writer.table();
            assertEquals(had, TableModel.fromWelcome(json(getSheet(server, "flapping"))), "life " + life);
            servers.remove(server);
            server.close();
            try (LiveGridServer check = Durable.start(data)) {
                TableModel restored = Durable.welcomeTable(check, "flapping");
                assertEquals(had, restored, "life " + life + ": the store has exactly the acknowledged ops: "
                        + had.firstDifference(restored));
            }
            System.out.printf("FLAPPING life %d: at v%d, %d ops rejected in this life%n", life, had.version(), rejected);
        }
        System.out.printf("FLAPPING: %d edits streamed through 100 store failures%n", sent);
    }

    // ---- helpers ----

    private TinyDisk requireTinyDisk() {
        Assumptions.assumeTrue(disk != null, () -> "no tmpfs to fill here (needs root and mount): " + NO_DISK);
        return disk;
    }

    private LiveGridServer start(Path data) throws Exception {
        LiveGridServer server = Durable.start(data);
        servers.add(server);
        return server;
    }

    private SheetClient join(LiveGridServer server, String sheet) throws Exception {
        SheetClient client = Durable.join(server, sheet);
        clients.add(client);
        return client;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Object wait = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what);
            }
            synchronized (wait) {
                wait.wait(20);
            }
        }
    }

    /** Waits until the committer thread is inside the store's commit; false if not seen in time. */
    private static boolean awaitCommitInProgress(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                if (t.getKey().getName().equals("livegrid-committer") && java.util.Arrays.stream(t.getValue())
                        .anyMatch(f -> f.getClassName().endsWith("SqliteSheetStore") && f.getMethodName().equals("commit"))) {
                    return true;
                }
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return false;
    }

    private static String text(LogRecord r) {
        StringWriter out = new StringWriter();
        out.append(r.getMessage());
        if (r.getThrown() != null) {
            r.getThrown().printStackTrace(new PrintWriter(out));
        }
        return out.toString();
    }

    private static String describe(List<LogRecord> records) {
        StringBuilder out = new StringBuilder();
        records.forEach(r -> out.append("\n  ").append(r.getLevel()).append(' ').append(r.getMessage()));
        return out.toString();
    }
}
