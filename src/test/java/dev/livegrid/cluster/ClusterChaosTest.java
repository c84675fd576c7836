package dev.livegrid.cluster;

import dev.livegrid.client.Applied;
import dev.livegrid.client.Disconnection;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.ReconnectPolicy;
import dev.livegrid.client.SheetListener;
import dev.livegrid.client.Status;
import dev.livegrid.client.Table;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ClusterLoad;
import dev.livegrid.support.LocalPostgres;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded, randomized run of the whole cluster: three servers on one real PostgreSQL, clients on
 * two sheets moving between servers, bursts of concurrent ops, resends of one HTTP op to two
 * servers, deletes, a server stopped and replaced, the database restarted — and after every step
 * the promises checked: the store's versions of each sheet run without a gap, every acknowledged op
 * is in it at its version, every client and every server shows the same table at the last version,
 * a resend is answered with the first answer, a delete closes every client of the sheet with 4004.
 * It prints its seed; {@code -Dlivegrid.cluster.seed=N} replays a run, {@code -Dlivegrid.cluster.steps}
 * sets its length.
 */
@Timeout(600)
class ClusterChaosTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> SHEETS = List.of("chaos-a", "chaos-b");
    private static final int SERVERS = 3;
    private static final int CLIENTS = 6;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final long seed = Long.getLong("livegrid.cluster.seed", System.nanoTime());
    private final int steps = Integer.getInteger("livegrid.cluster.steps", 120);
    private final Random random = new Random(seed);
    private final Deque<String> recent = new ArrayDeque<>();
    private LocalPostgres postgres;
    private final List<LiveGridServer> servers = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    /** Acknowledged ops per sheet, since its last delete. */
    private final Map<String, List<Applied>> acked = new HashMap<>();
    private int opIds;

    /** One user: a client key kept across connections, and its current connection to one server. */
    private final class Peer {
        final String key;
        final String sheet;
        LiveGridClient client;
        int server;
        CompletableFuture<Disconnection> ended = new CompletableFuture<>();

        Peer(int n, String sheet) {
            this.key = "chaos-peer-" + n + "-0123456789abcdef";
            this.sheet = sheet;
        }

        /** Connects (again) to server {@code index}: a new connection with the same key, a fresh welcome. */
        void connect(int index) throws Exception {
            if (client != null) {
                client.close();
            }
            server = index;
            CompletableFuture<Disconnection> end = new CompletableFuture<>();
            client = LiveGridClient.builder(servers.get(index).baseUri(), sheet).clientKey(key).name(key.substring(0, 12))
                    .reconnect(ReconnectPolicy.never()).opTimeout(WAIT).listener(new SheetListener() {
                        @Override
                        public void onStatus(Status status, Disconnection cause) {
                            if (status == Status.CLOSED) {
                                end.complete(cause);
                            }
                        }
                    }).build();
            ended = end;
            client.connect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stopAll() {
        peers.forEach(p -> {
            if (p.client != null) {
                p.client.close();
            }
        });
        servers.forEach(LiveGridServer::close);
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void everyPromiseHoldsAfterEveryStep() throws Exception {
        System.out.println("[cluster-chaos] seed " + seed + " (-Dlivegrid.cluster.seed=" + seed + " replays it), " + steps + " steps");
        postgres = LocalPostgres.start();
        for (int i = 0; i < SERVERS; i++) {
            servers.add(LiveGridServer.start(settings()));
        }
        for (int n = 0; n < CLIENTS; n++) {
            Peer peer = new Peer(n, SHEETS.get(n % SHEETS.size()));
            peer.connect(random.nextInt(SERVERS));
            peers.add(peer);
        }
        SHEETS.forEach(s -> acked.put(s, new CopyOnWriteArrayList<>()));
        setUp(SHEETS.get(0));
        setUp(SHEETS.get(1));
        Map<String, Integer> counts = new HashMap<>();
        for (int step = 1; step <= steps; step++) {
            int pick = random.nextInt(100);
            String kind = pick < 60 ? "ops" : pick < 75 ? "move" : pick < 87 ? "resend" : pick < 93 ? "delete"
                    : pick < 97 ? "restart-server" : "restart-database";
            counts.merge(kind, 1, Integer::sum);
            note(step + " " + kind);
            try {
                switch (kind) {
                    case "ops" -> ops();
                    case "move" -> move();
                    case "resend" -> resend();
                    case "delete" -> delete();
                    case "restart-server" -> restartServer();
                    default -> restartDatabase();
                }
                for (String sheet : SHEETS) {
                    check(sheet);
                }
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + seed + ", step " + step + " (" + kind + "): " + e.getMessage()
                        + "\nlast steps:\n" + String.join("\n", recent), e);
            }
        }
        System.out.println("[cluster-chaos] every promise held — seed " + seed + ": " + counts);
    }

    private Settings settings() throws Exception {
        return TestSettings.loopback().with(Map.of(
                Setting.JDBC_URL, "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + LocalPostgres.DATABASE,
                Setting.JDBC_USER, LocalPostgres.USER,
                Setting.OP_RATE, "1000"));
    }

    private void setUp(String sheet) throws Exception {
        LiveGridClient c = on(sheet).get(0).client;
        for (String name : List.of("A", "B")) {
            acked.get(sheet).add(c.addColumn(name, null).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        for (int r = 0; r < 3; r++) {
            acked.get(sheet).add(c.insertRow(null, Map.of()).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** A few peers send a few ops each, all at once; only the refusals concurrent edits earn are allowed. */
    private void ops() throws Exception {
        List<CompletableFuture<Applied>> sent = new ArrayList<>();
        List<Peer> who = new ArrayList<>();
        for (Peer p : peers) {
            if (random.nextBoolean()) {
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    sent.add(ClusterLoad.randomOp(p.client, random, "v" + (++opIds)));
                    who.add(p);
                }
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                acked.get(who.get(i).sheet).add(sent.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                assertTrue(ClusterLoad.earned(e.getCause()), "an op was refused for no reason of its own: " + e.getCause());
            }
        }
        note("  " + sent.size() + " ops");
    }

    /** A peer reconnects to another server. */
    private void move() throws Exception {
        Peer p = peers.get(random.nextInt(peers.size()));
        int to = (p.server + 1 + random.nextInt(SERVERS - 1)) % SERVERS;
        note("  " + p.key + " from server " + p.server + " to " + to);
        p.connect(to);
    }

    /** One op sent over HTTP to one server, then the same op to another: applied once, answered the same. */
    private void resend() throws Exception {
        String sheet = SHEETS.get(random.nextInt(SHEETS.size()));
        Table table = on(sheet).get(0).client.table();
        if (table.rowIds().isEmpty() || table.columnIds().isEmpty()) {
            return;
        }
        String row = table.rowIds().get(random.nextInt(table.rowIds().size()));
        String col = table.columnIds().get(random.nextInt(table.columnIds().size()));
        String body = "{\"type\":\"edit\",\"id\":\"h" + (++opIds) + "\",\"row\":\"" + row + "\",\"col\":\"" + col
                + "\",\"value\":\"http-" + opIds + "\"}";
        int first = random.nextInt(SERVERS);
        int second = (first + 1 + random.nextInt(SERVERS - 1)) % SERVERS;
        HttpResponse<String> a = post(first, sheet, body);
        HttpResponse<String> b = post(second, sheet, body);
        note("  " + body + " to servers " + first + " and " + second + ": " + a.statusCode() + ", " + b.statusCode());
        if (a.statusCode() == 200) {
            assertEquals(a.body(), b.body(), "the resend to another server is answered with the first answer");
            long version = Long.parseLong(a.body().replaceAll(".*\"version\":(\\d+).*", "$1"));
            acked.get(sheet).add(new Applied(version, "http", "h" + opIds,
                    new dev.livegrid.client.Op.Edit(row, col, "http-" + opIds), List.of(), false));
        } else {
            assertTrue(a.statusCode() == 409 || a.statusCode() == 429, "refused " + a.statusCode() + ": " + a.body());
        }
    }

    /** A sheet deleted through one server: its clients everywhere are closed with 4004; they join again (a new sheet). */
    private void delete() throws Exception {
        String sheet = SHEETS.get(random.nextInt(SHEETS.size()));
        int through = random.nextInt(SERVERS);
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(servers.get(through).baseUri()
                .resolve("api/sheets/" + sheet)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, deleted.statusCode(), deleted.body());
        for (Peer p : on(sheet)) {
            assertEquals(4004, p.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS).code(), p.key + " on server " + p.server
                    + " is told the sheet is gone");
        }
        acked.get(sheet).clear();
        for (Peer p : on(sheet)) {
            p.connect(p.server);
        }
        setUp(sheet);
        note("  " + sheet + " deleted through server " + through + " and created again");
    }

    /** A server stopped (orderly) and replaced by a new one; its peers connect to the new one. */
    private void restartServer() throws Exception {
        int index = random.nextInt(SERVERS);
        servers.get(index).close();
        servers.set(index, LiveGridServer.start(settings()));
        for (Peer p : peers) {
            if (p.server == index) {
                p.connect(index);
            }
        }
        note("  server " + index + " replaced");
    }

    /** PostgreSQL stopped and started: meanwhile nothing is acknowledged; afterwards every server commits again by itself. */
    private void restartDatabase() throws Exception {
        postgres.stop();
        try {
            Peer p = peers.get(random.nextInt(peers.size()));
            try {
                Applied wrong = p.client.insertRow(null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                throw new AssertionError("acknowledged while the database was down: " + wrong);
            } catch (ExecutionException expected) {
                assertTrue(String.valueOf(expected.getCause()).contains("store-unavailable"), String.valueOf(expected.getCause()));
            }
        } finally {
            postgres.restart();
        }
        for (Peer p : peers) { // each server commits again (its pool may first find connections the restart cut)
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    acked.get(p.sheet).add(p.client.insertRow(null).get(WAIT.toSeconds(), TimeUnit.SECONDS));
                    break;
                } catch (ExecutionException e) {
                    assertTrue(System.nanoTime() < deadline, "still refused after the restart: " + e.getCause());
                }
            }
        }
        note("  database restarted");
    }

    /** The promises for one sheet, now. */
    private void check(String sheet) throws Exception {
        long last = ClusterLoad.checkStore(postgres.jdbcUrl(), sheet, acked.get(sheet));
        Table reference = null;
        for (Peer p : on(sheet)) {
            Table table = p.client.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(last, table.version(), p.key + " on server " + p.server + " is at the store's version");
            if (reference == null) {
                reference = table;
            } else {
                assertEquals(reference, table, p.key + " on server " + p.server + " has the same table");
            }
        }
        // A server without a client on the sheet hears of the last commits by their signal: its reads
        // may trail for that long (milliseconds), never for good.
        for (int i = 0; i < SERVERS; i++) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            long served;
            while ((served = served(i, sheet)) != last) {
                assertTrue(served < last, "server " + i + " serves version " + served + ", beyond the store's " + last);
                assertTrue(System.nanoTime() < deadline, "server " + i + " still serves version " + served + " of " + last
                        + " after " + WAIT);
                Thread.onSpinWait();
            }
        }
    }

    private long served(int server, String sheet) throws Exception {
        HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(servers.get(server).baseUri().resolve("api/sheets/" + sheet))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        return jakarta.json.Json.createReader(new java.io.StringReader(read.body())).readObject()
                .getJsonNumber("version").longValueExact();
    }

    private List<Peer> on(String sheet) {
        return peers.stream().filter(p -> p.sheet.equals(sheet)).toList();
    }

    private HttpResponse<String> post(int server, String sheet, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(servers.get(server).baseUri().resolve("api/sheets/" + sheet + "/ops"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void note(String line) {
        recent.addLast(line);
        if (recent.size() > 30) {
            recent.removeFirst();
        }
    }
}
