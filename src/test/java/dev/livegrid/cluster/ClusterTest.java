package dev.livegrid.cluster;

import dev.livegrid.client.Applied;
import dev.livegrid.client.Disconnection;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.OpRejectedException;
import dev.livegrid.client.SheetListener;
import dev.livegrid.client.Status;
import dev.livegrid.client.Table;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ClusterLoad;
import dev.livegrid.support.LocalPostgres;
import dev.livegrid.support.TestSettings;
import dev.livegrid.testing.LiveGridTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three LiveGrid servers on one real PostgreSQL (Debian's, a throwaway cluster), each serving every
 * sheet, in one JVM: clients spread over them edit one sheet at the same time and end with the same
 * table, every version handed out once and delivered to every client in order; a resend to another
 * server is recognised; a delete on one server closes the sheet's clients on the others.
 * ({@code ClusterProcessesIT} runs servers as separate processes behind a load balancer.)
 */
@Timeout(180)
class ClusterTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static LocalPostgres postgres;
    private final List<LiveGridServer> servers = new ArrayList<>();
    private final List<LiveGridClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Settings onTheDatabase() throws Exception {
        return TestSettings.loopback().with(Map.of(
                Setting.JDBC_URL, "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + LocalPostgres.DATABASE,
                Setting.JDBC_USER, LocalPostgres.USER));
    }

    @BeforeEach
    void startServers() throws Exception {
        for (int i = 0; i < 3; i++) {
            servers.add(LiveGridServer.start(onTheDatabase()));
        }
    }

    @AfterEach
    void stopServers() {
        clients.forEach(LiveGridClient::close);
        servers.forEach(LiveGridServer::close);
    }

    @Test
    void clientsOnThreeServersEditingOneSheetAtOnceEndWithOneTableAndEveryVersionOnce() throws Exception {
        String sheet = "contested";
        LiveGridClient setup = client(servers.get(0), sheet, null);
        setup.connect().get(10, TimeUnit.SECONDS);
        List<String> cols = new ArrayList<>();
        for (String name : List.of("A", "B", "C")) {
            cols.add(setup.addColumn(name, null).get(10, TimeUnit.SECONDS).createdId().orElseThrow());
        }
        for (int r = 0; r < 4; r++) {
            setup.insertRow(null, Map.of(cols.get(0), "r" + r)).get(10, TimeUnit.SECONDS);
        }

        int perServer = 3;
        int opsEach = 40;
        Map<LiveGridClient, List<Long>> seen = new ConcurrentHashMap<>();
        List<LiveGridClient> writers = new ArrayList<>();
        for (LiveGridServer server : servers) {
            for (int i = 0; i < perServer; i++) {
                List<Long> versions = Collections.synchronizedList(new ArrayList<>());
                LiveGridClient c = client(server, sheet, new SheetListener() {
                    @Override
                    public void onChange(Applied applied, Table table) {
                        versions.addAll(applied.skipped());
                        versions.add(applied.version());
                    }
                });
                seen.put(c, versions);
                c.connect().get(10, TimeUnit.SECONDS);
                writers.add(c);
            }
        }
        long start = setup.version();

        List<Applied> acked = ClusterLoad.runWriters(writers, opsEach, 1000, WAIT);

        long last = ClusterLoad.checkStore(postgres.jdbcUrl(), sheet, acked);
        assertTrue(acked.size() > writers.size() * opsEach / 2, "most ops applied: " + acked.size());

        Table reference = setup.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (LiveGridClient c : writers) {
            Table table = c.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(reference, table, "the table of a client of " + c);
            List<Long> versions = new ArrayList<>(seen.get(c));
            assertEquals(LongStream.rangeClosed(start + 1, last).boxed().toList(), versions,
                    "a client sees every version after its welcome once, in order");
        }
        double adopted = 0;
        double behind = 0;
        jakarta.json.JsonObject served = ClusterLoad.served(servers.get(0).baseUri(), sheet);
        assertEquals(last, served.getJsonNumber("version").longValueExact());
        for (LiveGridServer server : servers) {
            assertEquals(served, ClusterLoad.served(server.baseUri(), sheet), "every server serves the same table");
            String metrics = get(server, "metrics").body();
            adopted += metric(metrics, "livegrid_cluster_ops_adopted_total");
            behind += metric(metrics, "livegrid_cluster_behind_total");
        }
        System.out.printf("CLUSTER: %d clients on 3 servers, %d ops acknowledged, versions %d..%d; ops adopted from"
                + " other servers %.0f, commits found behind %.0f%n", writers.size(), acked.size(), start + 1, last, adopted, behind);
        assertTrue(adopted >= 2 * (last - start), "each server applied the others' ops: " + adopted);
    }

    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
    }

    @Test
    void anOpResentToAnotherServerIsAnsweredWithItsFirstVersion() throws Exception {
        String sheet = "resent";
        LiveGridClient creator = client(servers.get(0), sheet, null);
        creator.connect().get(10, TimeUnit.SECONDS);
        String col = creator.addColumn("A", null).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
        String row = creator.insertRow(null, Map.of(col, "x")).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
        String op = "{\"type\":\"edit\",\"id\":\"once\",\"row\":\"" + row + "\",\"col\":\"" + col + "\",\"value\":\"y\"}";

        // Sent to one server, then at once to the other two, as a client whose answer was lost would.
        HttpResponse<String> first = post(servers.get(1), "api/sheets/" + sheet + "/ops", op);
        HttpResponse<String> second = post(servers.get(2), "api/sheets/" + sheet + "/ops", op);
        HttpResponse<String> third = post(servers.get(0), "api/sheets/" + sheet + "/ops", op);

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(first.body(), second.body(), "the other server answers with the original applied message");
        assertEquals(first.body(), third.body());
        assertEquals(3, lastVersionInTheStore(sheet), "applied once");
    }

    @Test
    void aDeleteOnOneServerClosesTheSheetsClientsOnTheOthers() throws Exception {
        String sheet = "doomed";
        Map<LiveGridClient, CompletableFuture<Disconnection>> closed = new HashMap<>();
        for (LiveGridServer server : servers.subList(1, 3)) {
            CompletableFuture<Disconnection> end = new CompletableFuture<>();
            LiveGridClient c = client(server, sheet, new SheetListener() {
                @Override
                public void onStatus(Status status, Disconnection cause) {
                    if (status == Status.CLOSED) {
                        end.complete(cause);
                    }
                }
            });
            c.connect().get(10, TimeUnit.SECONDS);
            closed.put(c, end);
        }
        closed.keySet().iterator().next().addColumn("A", null).get(10, TimeUnit.SECONDS);

        HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(uri(servers.get(0), "api/sheets/" + sheet))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(204, delete.statusCode(), delete.body());
        for (CompletableFuture<Disconnection> end : closed.values()) {
            assertEquals(4004, end.get(WAIT.toSeconds(), TimeUnit.SECONDS).code());
        }
        for (LiveGridServer server : servers) {
            assertEquals(404, get(server, "api/sheets/" + sheet).statusCode(), "gone on every server");
        }
    }

    @Test
    void anAccessChangeOnOneServerReachesTheUsersConnectionOnAnother() throws Exception {
        String secret = "cluster-access-secret-0123456789abcdefghij";
        Settings tokenMode = onTheDatabase().with(Map.of(Setting.AUTH, "token", Setting.TOKEN_SECRET, secret));
        LiveGridTokens tokens = LiveGridTokens.forSecret(secret);
        String olga = tokens.withRole("olga", "editor"); // may create sheets: owns the one she creates
        String bob = tokens.mint("bob", "Bob", Map.of(), Duration.ofHours(1)); // no grant: only the access list
        String sheet = "guarded";
        try (LiveGridServer a = LiveGridServer.start(tokenMode); LiveGridServer b = LiveGridServer.start(tokenMode)) {
            LiveGridClient owner = LiveGridClient.builder(a.baseUri(), sheet).token(olga).build();
            clients.add(owner);
            owner.connect().get(10, TimeUnit.SECONDS);
            assertEquals("owner", owner.role());
            assertEquals(200, putRole(a, sheet, "bob", "editor", olga).statusCode());

            CompletableFuture<String> demoted = new CompletableFuture<>();
            CompletableFuture<Disconnection> revoked = new CompletableFuture<>();
            LiveGridClient bobOnB = LiveGridClient.builder(b.baseUri(), sheet).token(bob).listener(new SheetListener() {
                @Override
                public void onRole(String role) {
                    demoted.complete(role);
                }

                @Override
                public void onStatus(Status status, Disconnection cause) {
                    if (status == Status.CLOSED) {
                        revoked.complete(cause);
                    }
                }
            }).build();
            clients.add(bobOnB);
            bobOnB.connect().get(10, TimeUnit.SECONDS);
            assertEquals("editor", bobOnB.role(), "the entry written through server a lets him in on server b");

            assertEquals(200, putRole(a, sheet, "bob", "viewer", olga).statusCode());
            assertEquals("viewer", demoted.get(WAIT.toSeconds(), TimeUnit.SECONDS), "told on b of a change made on a");
            assertEquals(200, putRole(a, sheet, "bob", "none", olga).statusCode());
            assertEquals(4003, revoked.get(WAIT.toSeconds(), TimeUnit.SECONDS).code(), "revoked on a: closed on b");
        }
    }

    private static HttpResponse<String> putRole(LiveGridServer server, String sheet, String user, String role, String token)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(server, "api/sheets/" + sheet + "/access/" + user))
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"role\":\"" + role + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whileTheDatabaseIsDownNothingIsAcknowledgedAndEveryServerRecoversByItself() throws Exception {
        String sheet = "outage";
        LiveGridClient a = client(servers.get(0), sheet, null);
        LiveGridClient b = client(servers.get(1), sheet, null);
        a.connect().get(10, TimeUnit.SECONDS);
        String col = a.addColumn("A", null).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
        String row = a.insertRow(null, Map.of(col, "before")).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
        b.connect().get(10, TimeUnit.SECONDS);
        long before = lastVersionInTheStore(sheet);

        postgres.stop();
        try {
            for (LiveGridClient c : List.of(a, b)) {
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> c.edit(row, col, "during").get(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertTrue(refused.getCause() instanceof OpRejectedException r && r.code().equals("store-unavailable"),
                        "refused, not acknowledged: " + refused.getCause());
            }
            assertEquals(503, get(servers.get(0), "health").statusCode(), "not ready while the store is down");
        } finally {
            postgres.restart();
        }

        // No server restarts: the pools reconnect, the followers listen again.
        for (LiveGridClient c : List.of(a, b)) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    c.edit(row, col, "after-" + c.sheetId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // the first commits after the restart may find pooled connections the restart cut
                    assertTrue(System.nanoTime() < deadline, "still refused " + WAIT + " after the restart: " + e.getCause());
                }
            }
        }
        long last = lastVersionInTheStore(sheet);
        assertEquals(before + 2, last, "exactly the two edits made after the restart, nothing from during it");
        assertEquals(a.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS),
                b.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS), "both servers' clients hear both edits");
        assertEquals(200, get(servers.get(1), "health").statusCode());
    }

    @Test
    void whoIsHereIsTheSameOnEveryServerAndAStoppedServersUsersLeave() throws Exception {
        String sheet = "meeting";
        PresenceWatch annSees = new PresenceWatch();
        PresenceWatch bobSees = new PresenceWatch();
        PresenceWatch carolSees = new PresenceWatch();
        LiveGridClient ann = client(servers.get(0), sheet, annSees, "Ann");
        LiveGridClient bob = client(servers.get(1), sheet, bobSees, "Bob");
        LiveGridClient carol = client(servers.get(2), sheet, carolSees, "Carol");
        ann.connect().get(10, TimeUnit.SECONDS);
        String col = ann.addColumn("A", null).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
        String row = ann.insertRow(null, Map.of(col, "x")).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
        bob.connect().get(10, TimeUnit.SECONDS);
        carol.connect().get(10, TimeUnit.SECONDS);

        for (PresenceWatch watch : List.of(annSees, bobSees, carolSees)) {
            watch.until("Ann, Bob and Carol", users -> names(users).equals(Set.of("Ann", "Bob", "Carol")));
        }
        ann.focus(row, col);
        for (PresenceWatch watch : List.of(bobSees, carolSees)) {
            watch.until("Ann's cursor on " + row + "/" + col, users -> users.stream().anyMatch(u -> u.name().equals("Ann")
                    && u.focus() != null && u.focus().row().equals(row) && u.focus().col().equals(col)));
        }
        bob.close();
        annSees.until("Bob gone", users -> names(users).equals(Set.of("Ann", "Carol")));

        long stopped = System.nanoTime();
        servers.get(0).close(); // an orderly stop takes its users off every list at once
        carolSees.until("Ann gone with her server", users -> names(users).equals(Set.of("Carol")));
        System.out.printf("CLUSTER-PRESENCE: a stopped server's user left the other servers' lists after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
    }

    /** The presence lists a client was told, and waits for one that matches. */
    private static final class PresenceWatch implements SheetListener {
        private volatile List<dev.livegrid.client.User> latest = List.of();
        private final List<Map.Entry<java.util.function.Predicate<List<dev.livegrid.client.User>>, CompletableFuture<Void>>> waiting =
                new CopyOnWriteArrayList<>();

        @Override
        public void onPresence(List<dev.livegrid.client.User> users) {
            latest = users;
            waiting.forEach(w -> {
                if (w.getKey().test(users)) {
                    w.getValue().complete(null);
                }
            });
        }

        void until(String what, java.util.function.Predicate<List<dev.livegrid.client.User>> condition) throws Exception {
            CompletableFuture<Void> met = new CompletableFuture<>();
            waiting.add(Map.entry(condition, met));
            if (condition.test(latest)) {
                met.complete(null);
            }
            try {
                met.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                fail("not within " + WAIT + ": " + what + "; the list is " + latest);
            }
        }
    }

    private static Set<String> names(List<dev.livegrid.client.User> users) {
        return users.stream().map(dev.livegrid.client.User::name).collect(java.util.stream.Collectors.toSet());
    }

    private LiveGridClient client(LiveGridServer server, String sheet, SheetListener listener) {
        return client(server, sheet, listener, null);
    }

    private LiveGridClient client(LiveGridServer server, String sheet, SheetListener listener, String name) {
        LiveGridClient.Builder builder = LiveGridClient.builder(server.baseUri(), sheet);
        if (name != null) {
            builder.name(name);
        }
        if (listener != null) {
            builder.listener(listener);
        }
        LiveGridClient c = builder.build();
        clients.add(c);
        return c;
    }

    private static long lastVersionInTheStore(String sheet) throws Exception {
        return ClusterLoad.opsInTheStore(postgres.jdbcUrl(), sheet).keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static URI uri(LiveGridServer server, String path) {
        return server.baseUri().resolve(path);
    }

    private static HttpResponse<String> get(LiveGridServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(LiveGridServer server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
