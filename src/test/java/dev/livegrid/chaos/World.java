package dev.livegrid.chaos;

import dev.livegrid.support.TableModel;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What one chaos run knows: the server, the sheets (their ids, which exist and which were deleted),
 * the clients, the ledger of everything seen and acknowledged, and where promises are reported.
 */
final class World implements AutoCloseable {

    /** The sheet ids the run uses; few, so that clients meet and ids are deleted and re-created. */
    static final List<String> SHEETS = List.of("alpha", "beta", "gamma");
    static final int MAX_CLIENTS = 12;
    /** How long every op has to be answered (longer while the store is failing: its busy timeout is 5 s). */
    static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(15);

    final ChaosConfig config;
    final Violations violations;
    final StepLog log = new StepLog();
    final Ledger ledger = new Ledger();
    final Incarnations incarnations;
    final ChaosServer server;
    final ChaosHttp http;
    final Shared shared;
    final List<ChaosClient> clients = new ArrayList<>();
    /** Sheets created in their current life (a welcome arrived) and not deleted since. */
    final Set<String> existing = new HashSet<>();
    /** Sheets deleted (204) and not re-created since. */
    final Set<String> deleted = new HashSet<>();
    /** Ops acknowledged over HTTP, to resend: frame, life and version. */
    final List<HttpAck> httpAcks = new ArrayList<>();
    final ExecutorService burst = Executors.newFixedThreadPool(4, task -> {
        Thread t = new Thread(task, "chaos-burst");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger clientNumbers = new AtomicInteger();
    private final AtomicInteger httpOpIds = new AtomicInteger();
    volatile boolean abruptEnds;

    /** An op acknowledged over HTTP. */
    record HttpAck(String sheet, String key, String frame, long version) {
    }

    World(ChaosConfig config, ChaosServer server, Violations violations) {
        this.config = config;
        this.violations = violations;
        this.incarnations = new Incarnations(violations);
        this.server = server;
        this.shared = new Shared(ledger, incarnations, violations, log, server::smallestOpWindow, () -> abruptEnds,
                java.util.concurrent.ConcurrentHashMap.newKeySet(),
                new Shared.Tally());
        this.http = new ChaosHttp(server::base, violations);
    }

    ChaosClient newClient(String sheet, Random random) {
        String[] names = {"Alice", "Bob", "名前", "Ünï", "Guest", "o'Brien", "a b"};
        ChaosClient client = new ChaosClient(clientNumbers.incrementAndGet(), sheet, names[random.nextInt(names.length)],
                random, shared);
        clients.add(client);
        return client;
    }

    String nextHttpOpId() {
        return "h-" + httpOpIds.incrementAndGet();
    }

    /** A client matching {@code filter}, picked with {@code random}, or null. */
    ChaosClient pick(Random random, Predicate<ChaosClient> filter) {
        List<ChaosClient> candidates = clients.stream().filter(filter).toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    List<ChaosClient> clientsOf(String sheet, Predicate<ChaosClient> filter) {
        return clients.stream().filter(c -> c.sheet.equals(sheet)).filter(filter).toList();
    }

    static boolean reading(ChaosClient c) {
        return c.state() == ChaosClient.State.OPEN && !c.paused();
    }

    long live() {
        return clients.stream().filter(c -> c.state() != ChaosClient.State.GONE).count();
    }

    /** Drops clients that are gone, and one offline client when there are too many. */
    void prune(Random random) {
        clients.removeIf(c -> c.state() == ChaosClient.State.GONE);
        if (live() >= MAX_CLIENTS) {
            ChaosClient victim = pick(random, c -> c.state() != ChaosClient.State.OPEN);
            if (victim == null) {
                victim = pick(random, c -> true);
            }
            log.note("discarding " + victim);
            victim.discard();
            clients.remove(victim);
        }
    }

    /** The sheet as {@code GET /api/sheets/{id}} shows it: its answer (null if none in time). */
    ChaosHttp.Answer snapshot(String sheet) {
        return http.get("/api/sheets/" + sheet);
    }

    /** The table of a 200 snapshot answer. */
    static TableModel table(ChaosHttp.Answer answer) {
        return TableModel.fromWelcome(answer.json());
    }

    static jakarta.json.JsonObject json(String text) {
        return jakarta.json.Json.createReader(new StringReader(text)).readObject();
    }

    /** Every client's connection, now: the ones the test is about to cut. */
    void expectEnds(Predicate<ChaosClient> which, String why) {
        clients.stream().filter(which).forEach(c -> c.expectEnd(why));
    }

    @Override
    public void close() {
        clients.forEach(c -> c.leave(true, "end of run"));
        burst.shutdownNow();
        server.close();
    }
}
