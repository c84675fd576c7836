package dev.livegrid.durability;

import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Nothing a client has seen acknowledged is lost by {@code kill -9}.
 * <p>
 * The packaged jar runs as a separate process on one data directory, which every trial reuses (so
 * later trials also recover from stores that were themselves recovered from a crash, with snapshots
 * and compaction in between). Each trial: writer clients on two sheets pipeline ops (mostly edits and
 * row inserts, some row deletes, column renames and adds) as fast as the server acknowledges them,
 * recording every {@code applied} message they receive (their own acks and everyone else's); after a
 * random delay (300-1500 ms) the process gets SIGKILL; the jar is started again on the same
 * directory, and then:
 * <ul>
 *   <li>every version any client saw applied is at or below the restored version, and the versions
 *       seen form a contiguous run from the trial's start (no holes);</li>
 *   <li>every writer reconnects with {@code since=} its own last version and gets a resuming welcome
 *       (resume works across the crash); after the missed ops its table (built from what it saw
 *       before the crash plus the replay) equals the restored sheet read over HTTP, cell values and
 *       cell versions included — so every acknowledged op is there with its version and value;</li>
 *   <li>a reader resuming from up to 900 versions back gets the retained {@code applied} messages,
 *       each byte-for-byte equal to the one clients received before the crash;</li>
 *   <li>every op a writer had sent without an answer is resent twice with the same id and content:
 *       one committed before the crash gets its original version back, one not committed is applied
 *       once; each writer's last acknowledged ops, resent too, get their original versions back; no op
 *       id is ever seen with two versions.</li>
 * </ul>
 * After the last trial the server is stopped with SIGTERM and started once more: the sheets come
 * back as they were. Totals are printed as one {@code CRASH SUMMARY} line ({@code acknowledged}: the
 * versions some client received as {@code applied} before a kill; {@code lost}: those of them the
 * restarted server does not have). {@code -Dcrash.trials=N} sets the number of trials (default 10);
 * {@code -Dcrash.seed=S} repeats a run's random choices (the seed is printed; timing differs anyway).
 * <p>
 * {@code kill -9} ends the process, not the machine: what the process wrote is in the page cache and
 * survives it. This test proves that nothing is acknowledged before it is written; that a write is
 * on the disk when acknowledged rests on SQLite's {@code synchronous=FULL} (see docs/PERFORMANCE.md
 * for the fsyncs counted per commit).
 */
class CrashIT {

    private static final Pattern SERVING = Pattern.compile("LiveGrid serving (http://\\S+/)");
    private static final int TRIALS = Integer.getInteger("crash.trials", 10);
    private static final List<String> SHEETS = List.of("crash-a", "crash-b");
    private static final int WRITERS_PER_SHEET = 3;
    /** Ops a writer may have sent without an answer. */
    private static final int WINDOW = 16;
    /**
     * A resuming reader asks for at most this many versions back: within the server's op window (1000
     * by default) and within half its outbox (512 messages), beyond which a resume gets a full welcome.
     */
    private static final int READBACK = 500;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Acknowledged ops each writer resends after the restart (they must not be applied again). */
    private static final int ACKNOWLEDGED_RESENDS = 8;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    /** Counts over all trials. */
    private static final class Totals {
        int trials;
        long acknowledged;
        long ownAcks;
        long lost;
        long holes;
        long committedUnseen;
        long byteCompared;
        long byteMismatches;
        long modelMismatches;
        long resent;
        long resentDeduplicated;
        long resentApplied;
        long resentRejected;
        long acknowledgedResent;
        long appliedTwice;
        long resumed;
        long resumes;
        final List<String> problems = new ArrayList<>();

        void problem(String text) {
            problems.add(text);
            System.out.println("CRASH PROBLEM " + text);
        }
    }

    @Test
    void acknowledgedOpsSurviveKillDashNineAndResentOpsApplyAtMostOnce() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path data = work.resolve("data");
        Totals totals = new Totals();
        Map<String, TableModel> expected = new HashMap<>();
        System.out.println("CRASH seed=" + seed + " trials=" + TRIALS + " data=" + data);
        JarServer server = JarServer.start(work, data);
        try {
            for (int trial = 1; trial <= TRIALS; trial++) {
                server = trial(trial, random, server, data, expected, totals);
                totals.trials++;
            }
            // A clean stop keeps everything too, and a start after it restores the same sheets.
            assertEquals(143, server.stop(), "exit status after SIGTERM");
            server = JarServer.start(work, data);
            for (String sheet : SHEETS) {
                String difference = expected.get(sheet).firstDifference(readSheet(server, sheet));
                if (difference != null) {
                    totals.modelMismatches++;
                    totals.problem("after SIGTERM and restart, sheet " + sheet + " differs: " + difference);
                }
            }
            assertEquals(143, server.stop(), "exit status after SIGTERM");
        } finally {
            JarServer.killAll();
        }
        String summary = String.format("CRASH SUMMARY trials=%d sheets=%d writers=%d acknowledged=%d own-acks=%d"
                        + " lost=%d holes=%d committed-unacknowledged=%d byte-compared=%d byte-mismatches=%d"
                        + " model-mismatches=%d resent=%d resent-deduplicated=%d resent-applied=%d"
                        + " resent-rejected=%d acknowledged-resent=%d applied-twice=%d resumed=%d/%d seed=%d",
                totals.trials, SHEETS.size(), SHEETS.size() * WRITERS_PER_SHEET, totals.acknowledged,
                totals.ownAcks, totals.lost, totals.holes, totals.committedUnseen, totals.byteCompared,
                totals.byteMismatches, totals.modelMismatches, totals.resent, totals.resentDeduplicated,
                totals.resentApplied, totals.resentRejected, totals.acknowledgedResent, totals.appliedTwice,
                totals.resumed, totals.resumes,
                seed);
        System.out.println(summary);
        String details = summary + "\nproblems: " + totals.problems;
        assertEquals(TRIALS, totals.trials, details);
        assertTrue(totals.acknowledged > 0, details);
        assertEquals(0, totals.lost, details);
        assertEquals(0, totals.holes, details);
        assertEquals(0, totals.byteMismatches, details);
        assertEquals(0, totals.modelMismatches, details);
        assertEquals(0, totals.appliedTwice, details);
        assertEquals(totals.resumes, totals.resumed, details);
        assertTrue(totals.byteCompared > 0, details);
        assertTrue(totals.problems.isEmpty(), details);
    }

    /** One trial; returns the restarted server, which the next trial loads. */
    private JarServer trial(int trial, Random random, JarServer server, Path data, Map<String, TableModel> expected,
                            Totals totals) throws Exception {
        Map<String, List<Peer>> writers = new LinkedHashMap<>();
        Map<String, Long> start = new HashMap<>();
        for (String sheet : SHEETS) {
            List<Peer> peers = new ArrayList<>();
            for (int i = 0; i < WRITERS_PER_SHEET; i++) {
                Peer peer = new Peer(sheet, "t" + trial + sheet.substring(sheet.length() - 1) + "w" + i);
                peer.connect(server.sheetUri(sheet, peer, null));
                peers.add(peer);
            }
            writers.put(sheet, peers);
        }
        for (String sheet : SHEETS) {
            for (Peer peer : writers.get(sheet)) {
                JsonObject welcome = peer.awaitWelcome();
                TableModel before = expected.get(sheet);
                if (before != null) {
                    String difference = before.firstDifference(peer.table());
                    if (difference != null) {
                        totals.modelMismatches++;
                        totals.problem("trial " + trial + ": " + sheet + " at the start differs from the end of the"
                                + " previous trial: " + difference);
                    }
                }
                start.put(sheet, welcome.getJsonNumber("version").longValueExact());
            }
            if (trial == 1) {
                setUp(writers.get(sheet));
            }
        }

        List<Thread> load = new ArrayList<>();
        writers.values().forEach(peers -> peers.forEach(peer -> {
            long peerSeed = random.nextLong();
            Thread thread = new Thread(() -> peer.writeUntilClosed(new Random(peerSeed)), "crash-writer-" + peer.prefix);
            thread.setDaemon(true);
            load.add(thread);
        }));
        load.forEach(Thread::start);
        long delay = 300 + random.nextInt(1201);
        Thread.sleep(delay);
        StringBuilder atKill = new StringBuilder("CRASH AT KILL after " + delay + " ms:");
        writers.values().forEach(peers -> peers.forEach(peer -> {
            synchronized (peer) {
                atKill.append(' ').append(peer.prefix).append(":sent=").append(peer.counter).append(",out=")
                        .append(peer.outstanding.size()).append(",recv=").append(peer.received).append(",v=")
                        .append(peer.model.version());
            }
        }));
        System.out.println(atKill);
        int status = server.kill();
        assertEquals(137, status, "exit status after SIGKILL");
        for (Thread thread : load) {
            thread.join(WAIT.toMillis());
            assertTrue(!thread.isAlive(), thread.getName() + " did not stop after the kill");
        }
        for (List<Peer> peers : writers.values()) {
            for (Peer peer : peers) {
                if (!peer.awaitClosed()) {
                    System.out.println("CRASH NOTE " + peer.prefix + ": the JDK client reported no close after the kill; aborted");
                }
            }
        }

        JarServer restarted = JarServer.start(work, data);
        StringBuilder line = new StringBuilder("CRASH TRIAL " + trial + " killed after " + delay + " ms:");
        for (String sheet : SHEETS) {
            TableModel end = verify(trial, sheet, writers.get(sheet), start.get(sheet), restarted, totals, line);
            expected.put(sheet, end);
        }
        System.out.println(line);
        for (List<Peer> peers : writers.values()) {
            peers.forEach(Peer::close);
        }
        return restarted;
    }

    /** Columns and rows to edit, on a new sheet: written by the first writer, seen by all. */
    private static void setUp(List<Peer> peers) throws Exception {
        Peer first = peers.get(0);
        first.send(SheetOps.addColumn(first.prefix + "-setup-1", "A", null));
        first.send(SheetOps.addColumn(first.prefix + "-setup-2", "B", null));
        first.send(SheetOps.addColumn(first.prefix + "-setup-3", "C", null));
        first.awaitAllAnswered();
        for (int i = 1; i <= 3; i++) {
            first.send(SheetOps.insertRow(first.prefix + "-setup-row-" + i, null, Map.of()));
        }
        first.awaitAllAnswered();
        long version = first.version();
        for (Peer peer : peers) {
            peer.awaitVersion(version);
        }
    }

    /**
     * Checks one sheet after the restart and resends its unanswered ops; returns the sheet as it ends
     * the trial (what the next trial must find).
     */
    private static TableModel verify(int trial, String sheet, List<Peer> writers, long start, JarServer restarted,
                                     Totals totals, StringBuilder line) throws Exception {
        String where = "trial " + trial + " sheet " + sheet + ": ";
        // What the clients saw before the crash.
        Set<Long> seen = new TreeSet<>();
        Map<Long, String> texts = new HashMap<>();
        long ownAcks = 0;
        for (Peer w : writers) {
            synchronized (w) {
                seen.addAll(w.seen);
                ownAcks += w.ownAcks;
                w.problems.forEach(p -> totals.problem(where + w.prefix + ": " + p));
                w.problems.clear();
                for (Map.Entry<Long, String> e : w.texts.entrySet()) {
                    String other = texts.putIfAbsent(e.getKey(), e.getValue());
                    if (other != null && !other.equals(e.getValue())) {
                        totals.problem(where + "two clients received different applied messages for version "
                                + e.getKey() + ": " + other + " / " + e.getValue());
                    }
                }
            }
        }
        long maxSeen = seen.isEmpty() ? start : ((TreeSet<Long>) seen).last();
        long holes = 0;
        for (long v = start + 1; v <= maxSeen; v++) {
            if (!seen.contains(v)) {
                holes++;
            }
        }
        if (holes > 0) {
            totals.problem(where + holes + " versions between " + start + " and " + maxSeen + " were seen by no client");
        }
        totals.holes += holes;
        totals.acknowledged += seen.size();
        totals.ownAcks += ownAcks;

        // The restored sheet, over HTTP.
        TableModel restored = readSheet(restarted, sheet);
        long r = restored.version();
        long lost = seen.stream().filter(v -> v > r).count();
        if (lost > 0) {
            totals.problem(where + lost + " acknowledged versions lost: seen up to " + maxSeen + ", restored at " + r);
        }
        totals.lost += lost;
        totals.committedUnseen += Math.max(0, r - maxSeen);

        // What each writer had sent without an answer when the server died, and its last acknowledged ops.
        Map<Peer, List<String>> unanswered = new LinkedHashMap<>();
        Map<Peer, List<String>> acknowledged = new LinkedHashMap<>();
        for (Peer w : writers) {
            unanswered.put(w, w.takeUnanswered());
            acknowledged.put(w, w.lastAcknowledged(ACKNOWLEDGED_RESENDS));
        }

        // Resume: every writer comes back from its own last version, and ends up with the restored sheet.
        for (Peer w : writers) {
            long since = w.version();
            w.connect(restarted.sheetUri(sheet, w, since));
        }
        for (Peer w : writers) {
            JsonObject welcome = w.awaitWelcome();
            totals.resumes++;
            if (welcome.containsKey("since")) {
                totals.resumed++;
            } else {
                totals.problem(where + w.prefix + " got a full welcome instead of a resume: " + abbreviate(welcome));
            }
        }
        for (Peer w : writers) {
            w.awaitVersion(r);
            String difference = restored.firstDifference(w.table());
            if (difference != null) {
                totals.modelMismatches++;
                totals.problem(where + w.prefix + "'s table (what it saw before the crash, then the replay) differs"
                        + " from the restored sheet: " + difference);
            }
        }

        // Read back the retained applied messages and compare them with what the clients received.
        long from = Math.max(start, r - READBACK);
        Peer reader = new Peer(sheet, "t" + trial + "-reader-" + sheet);
        reader.connect(restarted.sheetUri(sheet, reader, from, writers.get(0).table().incarnation()));
        JsonObject welcome = reader.awaitWelcome();
        if (!welcome.containsKey("since")) {
            totals.problem(where + "the read-back from " + from + " got a full welcome: " + abbreviate(welcome));
        }
        if (r > from) {
            reader.awaitSeen(r);
        }
        long compared = 0;
        long mismatches = 0;
        synchronized (reader) {
            for (long v = from + 1; v <= r; v++) {
                String replayed = reader.texts.get(v);
                String before = texts.get(v);
                if (replayed == null) {
                    totals.problem(where + "version " + v + " missing from the read-back");
                    mismatches++;
                } else if (before != null) {
                    compared++;
                    if (!before.equals(replayed)) {
                        mismatches++;
                        totals.problem(where + "version " + v + " was acknowledged as " + before
                                + " but the restarted server has " + replayed);
                    }
                }
            }
        }
        reader.close();
        totals.byteCompared += compared;
        totals.byteMismatches += mismatches;

        // The version each op id got, from everything any connection has seen of this sheet so far.
        Map<String, Set<Long>> committed = versionsById(writers, reader);

        // Resend every op that had no answer, twice, with the same id and content.
        int resent = 0;
        int deduplicated = 0;
        int applied = 0;
        int rejected = 0;
        Map<String, String> firstAnswers = new HashMap<>();
        for (int pass = 1; pass <= 2; pass++) {
            for (Map.Entry<Peer, List<String>> e : unanswered.entrySet()) {
                Peer w = e.getKey();
                for (String frame : e.getValue()) {
                    w.send(frame);
                }
            }
            for (Map.Entry<Peer, List<String>> e : unanswered.entrySet()) {
                Peer w = e.getKey();
                w.awaitAllAnswered();
                for (String frame : e.getValue()) {
                    String id = idOf(frame);
                    String answer = w.lastAnswer(id);
                    Set<Long> before = committed.getOrDefault(id, Set.of());
                    if (pass == 1) {
                        resent++;
                        firstAnswers.put(id, answer);
                        if (!before.isEmpty()) {
                            if (answer.equals("applied:" + before.iterator().next())) {
                                deduplicated++;
                            } else {
                                totals.problem(where + "resent op " + id + " was committed as version " + before
                                        + " before the crash, but the resend was answered " + answer);
                            }
                        } else if (answer.startsWith("applied:")) {
                            applied++;
                            if (Long.parseLong(answer.substring(8)) <= r) {
                                totals.problem(where + "resent op " + id + " (unknown before) was answered " + answer
                                        + ", at or below the restored version " + r);
                            }
                        } else {
                            rejected++;
                        }
                    } else if (firstAnswers.get(id).startsWith("applied:") && !answer.equals(firstAnswers.get(id))) {
                        totals.problem(where + "op " + id + " resent again was answered " + answer + " after "
                                + firstAnswers.get(id));
                    }
                }
            }
        }
        totals.resent += resent;

        // A client that resends ops it saw acknowledged (it lost track) gets their original versions back.
        int acknowledgedResent = 0;
        for (Map.Entry<Peer, List<String>> e : acknowledged.entrySet()) {
            for (String frame : e.getValue()) {
                e.getKey().send(frame);
            }
        }
        for (Map.Entry<Peer, List<String>> e : acknowledged.entrySet()) {
            Peer w = e.getKey();
            w.awaitAllAnswered();
            for (String frame : e.getValue()) {
                String id = idOf(frame);
                acknowledgedResent++;
                String answer = w.lastAnswer(id);
                Set<Long> before = committed.getOrDefault(id, Set.of());
                if (before.size() != 1 || !answer.equals("applied:" + before.iterator().next())) {
                    totals.problem(where + "op " + id + " acknowledged as version " + before
                            + " was answered " + answer + " when resent after the restart");
                }
            }
        }
        totals.acknowledgedResent += acknowledgedResent;
        totals.resentDeduplicated += deduplicated;
        totals.resentApplied += applied;
        totals.resentRejected += rejected;

        // Everyone converges on the final sheet; no op id ever has two versions.
        long last = writers.stream().mapToLong(Peer::version).max().orElse(r);
        for (Peer w : writers) {
            w.awaitVersion(last);
        }
        TableModel end = readSheet(restarted, sheet);
        assertEquals(last, end.version(), where + "the sheet moved on without its writers");
        for (Peer w : writers) {
            String difference = end.firstDifference(w.table());
            if (difference != null) {
                totals.modelMismatches++;
                totals.problem(where + w.prefix + " after the resends differs from the sheet: " + difference);
            }
            synchronized (w) {
                w.problems.forEach(p -> totals.problem(where + w.prefix + ": " + p));
                w.problems.clear();
            }
        }
        long twice = 0;
        for (Map.Entry<String, Set<Long>> e : versionsById(writers, reader).entrySet()) {
            if (e.getValue().size() > 1) {
                twice++;
                totals.problem(where + "op " + e.getKey() + " was applied as versions " + e.getValue());
            }
        }
        totals.appliedTwice += twice;
        line.append(String.format(" [%s start=%d seen=%d max-seen=%d restored=%d byte-compared=%d resent=%d"
                        + " (deduplicated %d, applied %d, rejected %d) end=%d]", sheet, start, seen.size(), maxSeen, r,
                compared, resent, deduplicated, applied, rejected, end.version()));
        return end;
    }

    private static Map<String, Set<Long>> versionsById(List<Peer> writers, Peer reader) {
        Map<String, Set<Long>> byId = new HashMap<>();
        for (Peer p : writers) {
            synchronized (p) {
                p.versionsById.forEach((id, vs) -> byId.computeIfAbsent(id, k -> new TreeSet<>()).addAll(vs));
            }
        }
        synchronized (reader) {
            reader.versionsById.forEach((id, vs) -> byId.computeIfAbsent(id, k -> new TreeSet<>()).addAll(vs));
        }
        return byId;
    }

    /** The sheet as {@code GET /api/sheets/{id}} returns it; its ETag must name its incarnation and version. */
    private static TableModel readSheet(JarServer server, String sheet) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.base.resolve("api/sheets/" + sheet))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "GET sheet " + sheet + ": " + response.body());
        TableModel model = TableModel.fromWelcome(parse(response.body()));
        assertEquals("\"" + model.incarnation() + "." + model.version() + "\"", response.headers().firstValue("ETag").orElse(null));
        return model;
    }

    private static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String idOf(String frame) {
        return parse(frame).getString("id");
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /**
     * One sheet connection (a writer, or a reader): keeps a table like a browser page (a full welcome
     * replaces it, a resuming one keeps it, every newer {@code applied} moves it on), and records every
     * {@code applied} text by version (merged copies, with {@code skipped}, only count their versions as
     * seen), the version(s) of every op id, and the answers to its own ops. Its state outlives its
     * connection, so it can reconnect with {@code since=} and resend.
     */
    private static final class Peer implements WebSocket.Listener {

        final String sheet;
        final String prefix;
        // guarded by this
        TableModel model;
        final List<String> rows = new ArrayList<>();
        final List<String> columns = new ArrayList<>();
        final Set<Long> seen = new HashSet<>();
        final Map<Long, String> texts = new HashMap<>();
        final Map<String, Set<Long>> versionsById = new HashMap<>();
        final Map<String, String> sentFrames = new LinkedHashMap<>();
        final Set<String> outstanding = new LinkedHashSet<>();
        final Map<String, String> answers = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        /** Ids of this writer's ops in the order their acks arrived. */
        final List<String> acknowledgedOrder = new ArrayList<>();
        long ownAcks;
        int counter;
        long received;
        String lastText;
        // the current connection
        private volatile WebSocket ws;
        /** The socket whose events count: set on open, before any of its messages. */
        private volatile WebSocket current;
        private volatile CompletableFuture<JsonObject> welcomed = new CompletableFuture<>();
        private volatile CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        /** This peer's client key, the same on every connection. */
        final String key;

        Peer(String sheet, String prefix) {
            this.sheet = sheet;
            this.prefix = prefix;
            this.key = ("crash-client-" + prefix).replaceAll("[^A-Za-z0-9_-]", "-");
        }

        void connect(URI uri) throws Exception {
            synchronized (this) {
                welcomed = new CompletableFuture<>();
                closed = new CompletableFuture<>();
                partial.setLength(0);
            }
            ws = HTTP.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, this)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        JsonObject awaitWelcome() throws Exception {
            try {
                CompletableFuture.anyOf(welcomed, closed).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(prefix + ": no welcome within " + WAIT);
            }
            JsonObject welcome = welcomed.getNow(null);
            if (welcome == null) {
                throw new AssertionError(prefix + ": closed before its welcome: " + closed.getNow(null));
            }
            return welcome;
        }

        /**
         * Waits for the end of a connection whose server was killed. The JDK's client does not always
         * report it (once a send has failed); then it is aborted: the server is dead, nothing more can
         * arrive.
         */
        boolean awaitClosed() throws Exception {
            try {
                closed.get(5, TimeUnit.SECONDS);
                return true;
            } catch (TimeoutException e) {
                ws.abort();
                end("aborted: no close reported within 5 s of the kill");
                return false;
            }
        }

        /** Sends edits and inserts, at most {@link #WINDOW} unanswered, until the connection ends. */
        void writeUntilClosed(Random random) {
            try {
                while (true) {
                    String frame;
                    synchronized (this) {
                        long t0 = System.nanoTime();
                        while (outstanding.size() >= WINDOW && !closed.isDone()) {
                            wait(100);
                            if (System.nanoTime() - t0 > 3_000_000_000L) {
                                System.out.println("STALL " + prefix + " received=" + received + " last=" + lastText + " outstanding=" + outstanding);
                                t0 = System.nanoTime();
                            }
                        }
                        if (closed.isDone()) {
                            return;
                        }
                        frame = nextOp(random);
                        track(frame);
                    }
                    ws.sendText(frame, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // the server died under us: what was sent without an answer is resent after the restart
            }
        }

        /** Sends one op frame (tracked for its answer). */
        void send(String frame) throws Exception {
            synchronized (this) {
                await(() -> outstanding.size() < WINDOW, () -> "no room in the send window: "
                        + outstanding.size() + " ops unanswered: " + outstanding.stream().limit(5).map(sentFrames::get).toList());
                track(frame);
            }
            ws.sendText(frame, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        private void track(String frame) {
            String id = idOf(frame);
            sentFrames.put(id, frame);
            outstanding.add(id);
            answers.remove(id);
        }

        /**
         * Mostly edits (a seventh of them compare-and-set) and row inserts with one cell, now and then
         * a row deleted, a column renamed or added: every kind of op a restart must replay but column
         * deletion (which would leave little to edit). Ops that lost a race are rejected, which is an
         * answer like any other.
         */
        private String nextOp(Random random) {
            String id = prefix + "-" + (++counter);
            String value = id + "·é";
            String col = columns.get(random.nextInt(columns.size()));
            int dice = random.nextInt(1000);
            if (dice < 10) {
                return SheetOps.renameColumn(id, col, "N" + id);
            }
            if (dice < 15 && columns.size() < 20) {
                return SheetOps.addColumn(id, "A" + id, col);
            }
            if (dice < 35 && rows.size() > 20) {
                return SheetOps.deleteRow(id, rows.get(random.nextInt(rows.size())));
            }
            if (dice < 235 || rows.isEmpty()) {
                String after = rows.isEmpty() || random.nextInt(4) == 0 ? null : rows.get(random.nextInt(rows.size()));
                return SheetOps.insertRow(id, after, Map.of(col, value));
            }
            String row = rows.get(random.nextInt(rows.size()));
            Long base = dice < 335 ? model.baseOf(row, col) : null;
            return SheetOps.edit(id, row, col, value, base);
        }

        /** The ops sent on the dead connection without an answer; they are forgotten until resent. */
        synchronized List<String> takeUnanswered() {
            List<String> frames = outstanding.stream().map(sentFrames::get).toList();
            outstanding.clear();
            return frames;
        }

        /** Frames of the last {@code n} ops of this writer that were acknowledged. */
        synchronized List<String> lastAcknowledged(int n) {
            return acknowledgedOrder.subList(Math.max(0, acknowledgedOrder.size() - n), acknowledgedOrder.size())
                    .stream().map(sentFrames::get).toList();
        }

        synchronized String lastAnswer(String id) {
            return answers.get(id);
        }

        synchronized long version() {
            return model == null ? -1 : model.version();
        }

        synchronized TableModel table() {
            return model.copy();
        }

        void awaitAllAnswered() throws InterruptedException {
            await(() -> outstanding.isEmpty(), () -> outstanding.size() + " ops unanswered: "
                    + outstanding.stream().limit(5).map(sentFrames::get).toList());
        }

        void awaitVersion(long version) throws InterruptedException {
            await(() -> model != null && model.version() >= version,
                    () -> "version " + version + " not reached; at " + (model == null ? "-" : model.version()));
        }

        /** For a reader (no table): waits until it has received {@code version}. */
        void awaitSeen(long version) throws InterruptedException {
            await(() -> seen.contains(version), () -> "version " + version + " not received");
        }

        private synchronized void await(BooleanSupplier done, java.util.function.Supplier<String> failure)
                throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.isDone()) {
                    if (done.getAsBoolean()) {
                        return;
                    }
                    fail(prefix + ": " + failure.get() + (closed.isDone() ? "; closed: " + closed.getNow(null)
                            : " within " + WAIT) + "; problems: " + problems);
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }

        void close() {
            WebSocket socket = ws;
            if (socket == null || closed.isDone()) {
                return;
            }
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
                closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            current = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            synchronized (this) {
                if (webSocket != current) {
                    return null; // a late event of the connection before a reconnect
                }
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    received++;
                    lastText = text;
                    try {
                        receive(text);
                    } catch (RuntimeException e) {
                        problems.add(e + " while handling " + abbreviate(text));
                    }
                    notifyAll();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (webSocket == current) {
                end(statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (webSocket == current) {
                end(String.valueOf(error));
            }
        }

        private synchronized void end(String how) {
            closed.complete(how);
            notifyAll();
        }

        private void receive(String text) {
            JsonObject m = parse(text);
            switch (m.getString("type", "")) {
                case "welcome" -> {
                    if (!m.containsKey("since")) {
                        model = TableModel.fromWelcome(m);
                        rows.clear();
                        rows.addAll(model.rowIds());
                        columns.clear();
                        columns.addAll(model.columnIds());
                    }
                    welcomed.complete(m);
                }
                case "applied" -> applied(m, text);
                case "rejected" -> {
                    String id = m.getString("id");
                    if (outstanding.remove(id)) {
                        answers.put(id, "rejected:" + m.getString("code"));
                    }
                }
                case "presence" -> {
                    // not recorded
                }
                default -> problems.add("unexpected message " + abbreviate(text));
            }
        }

        private void applied(JsonObject m, String text) {
            long version = m.getJsonNumber("version").longValueExact();
            String id = m.getString("id");
            versionsById.computeIfAbsent(id, k -> new TreeSet<>()).add(version);
            boolean mine = outstanding.remove(id);
            if (mine) {
                answers.put(id, "applied:" + version);
            }
            List<Long> skipped = new ArrayList<>();
            if (m.containsKey("skipped") && m.get("skipped").getValueType() == JsonValue.ValueType.ARRAY) {
                m.getJsonArray("skipped").forEach(v -> skipped.add(((JsonNumber) v).longValueExact()));
            }
            if (model != null && version <= model.version()) {
                return; // the answer to a resent op, or an overlap
            }
            if (skipped.isEmpty()) {
                String earlier = texts.putIfAbsent(version, text);
                if (earlier != null && !earlier.equals(text)) {
                    problems.add("version " + version + " received as " + earlier + " and as " + text);
                }
            }
            seen.add(version);
            seen.addAll(skipped);
            if (model == null) {
                return; // a reader only records
            }
            Set<Long> covered = new TreeSet<>(skipped);
            covered.add(version);
            for (long v = model.version() + 1; v <= version; v++) {
                if (!covered.contains(v)) {
                    problems.add("version " + v + " never arrived (at " + model.version() + ", then " + version
                            + " skipping " + skipped + ")");
                }
            }
            JsonObject op = m.getJsonObject("op");
            model.apply(op, version);
            if (mine) {
                ownAcks++;
                acknowledgedOrder.add(id);
            }
            switch (op.getString("type")) {
                case "insertRow" -> rows.add(op.getString("row"));
                case "deleteRow" -> rows.remove(op.getString("row"));
                case "addColumn" -> columns.add(op.getString("col"));
                default -> {
                    // edits change neither rows nor columns
                }
            }
        }
    }

    /** The packaged jar in its own process, its output lines collected. */
    private static final class JarServer {

        /** Every process started, so none outlives the test, even when it fails half-way or its JVM is stopped. */
        private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(p -> p.toHandle().destroyForcibly()),
                    "crash-it-jar-reaper"));
        }

        final Process process;
        final URI base;

        private JarServer(Process process, URI base) {
            this.process = process;
            this.base = base;
        }

        static JarServer start(Path directory, Path data) throws Exception {
            Path jar = Path.of(System.getProperty("livegrid.standaloneJar", "target/livegrid-standalone.jar"))
                    .toAbsolutePath();
            assertTrue(Files.isRegularFile(jar), "run `mvn package` first: no " + jar);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", jar.toString()))
                    .directory(directory.toFile())
                    .redirectErrorStream(true);
            builder.environment().putAll(Map.of(
                    "LIVEGRID_PORT", "0",
                    "LIVEGRID_BIND", "127.0.0.1",
                    "LIVEGRID_DATA_DIR", data.toAbsolutePath().toString(),
                    "LIVEGRID_OP_RATE", "1000000",
                    "LIVEGRID_MAX_ROWS", "1000000",
                    "LIVEGRID_OUTBOX_LIMIT", "16MiB"));
            Process process = builder.start();
            STARTED.add(process);
            BlockingQueue<String> lines = linesOf(process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        return new JarServer(process, URI.create(m.group(1)));
                    }
                } else if (!process.isAlive()) {
                    fail("the server exited with status " + process.exitValue() + " before serving");
                }
            }
            process.toHandle().destroyForcibly();
            fail("the server did not start within 60 s");
            return null;
        }

        /** The peer's connection: with its client key (so its resends are recognised) and, to resume, its incarnation. */
        URI sheetUri(String sheet, Peer peer, Long since) {
            return sheetUri(sheet, peer, since, since == null ? null : peer.table().incarnation());
        }

        URI sheetUri(String sheet, Peer peer, Long since, String incarnation) {
            return URI.create("ws://" + base.getAuthority() + "/sheets/" + sheet + "?name=crash&client=" + peer.key
                    + (since == null ? "" : "&since=" + since + "&incarnation=" + incarnation));
        }

        /** SIGKILL (ProcessHandle.destroyForcibly is kill -9 on Linux); returns the exit status. */
        int kill() throws InterruptedException {
            process.toHandle().destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server did not die on SIGKILL");
            return process.exitValue();
        }

        /** SIGTERM; returns the exit status. */
        int stop() throws InterruptedException {
            process.toHandle().destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
            return process.exitValue();
        }

        static void killAll() throws InterruptedException {
            for (Process p : STARTED) {
                if (p.isAlive()) {
                    p.toHandle().destroyForcibly();
                    p.waitFor(20, TimeUnit.SECONDS);
                }
            }
            STARTED.clear();
        }

        private static BlockingQueue<String> linesOf(Process process) {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        System.out.println("[jar " + process.pid() + "] " + line);
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            return lines;
        }
    }
}
