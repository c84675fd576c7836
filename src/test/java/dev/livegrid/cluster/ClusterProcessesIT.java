package dev.livegrid.cluster;

import dev.livegrid.client.Applied;
import dev.livegrid.client.Disconnection;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.OpRejectedException;
import dev.livegrid.client.SheetListener;
import dev.livegrid.client.Status;
import dev.livegrid.client.Table;
import dev.livegrid.support.ClusterLoad;
import dev.livegrid.support.LocalNginx;
import dev.livegrid.support.LocalPostgres;
import dev.livegrid.support.StandaloneProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster as it is deployed: three standalone jars as separate processes on one PostgreSQL
 * (Debian's, a throwaway cluster) behind Debian's nginx, round-robin, no sticky sessions. Two dozen
 * clients connect through nginx and edit one sheet at once — edits with and without compare-and-set,
 * inserts, deletes, column ops — while one server is killed with SIGKILL mid-load: its clients
 * reconnect through nginx to the survivors and resume, and at the end every acknowledged op is in
 * the store at its version, the versions run without a gap, and every client and every surviving
 * server holds the same table.
 */
@Timeout(600)
class ClusterProcessesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CLIENTS = 24;
    private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(4);
    private static final Duration LOAD_AFTER_KILL = Duration.ofSeconds(6);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalPostgres postgres;
    private static final List<StandaloneProcess> nodes = new ArrayList<>();
    private static LocalNginx nginx;

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = LocalPostgres.start();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = LocalNginx.freePort();
            ports.add(port);
            nodes.add(StandaloneProcess.start("node-" + (i + 1), dir.resolve("node-" + (i + 1)), Map.of(
                    "LIVEGRID_PORT", String.valueOf(port),
                    "LIVEGRID_BIND", "127.0.0.1",
                    "LIVEGRID_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + LocalPostgres.DATABASE,
                    "LIVEGRID_JDBC_USER", LocalPostgres.USER,
                    "LIVEGRID_OP_RATE", "1000",
                    // Every op stays in the ops table (none compacted into a snapshot), so the test can
                    // find each acknowledged one at its version.
                    "LIVEGRID_OP_WINDOW", "100000")));
        }
        nginx = LocalNginx.start(dir.resolve("nginx"), ports);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (StandaloneProcess node : nodes) {
            node.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** One client's record: its acknowledged ops and how its connections went. */
    private static final class Writer {
        final LiveGridClient client;
        final List<Applied> acked = new CopyOnWriteArrayList<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final AtomicInteger reconnects = new AtomicInteger();
        final List<Long> seen = new CopyOnWriteArrayList<>();

        Writer(LiveGridClient.Builder builder) {
            this.client = builder.listener(new SheetListener() {
                @Override
                public void onChange(Applied applied, Table table) {
                    seen.addAll(applied.skipped());
                    seen.add(applied.version());
                }

                @Override
                public void onStatus(Status status, Disconnection cause) {
                    if (status == Status.RECONNECTING) {
                        reconnects.incrementAndGet();
                    }
                }
            }).build();
        }
    }

    @Test
    void clientsThroughTheLoadBalancerConvergeAndAKilledServerLosesNothingAcknowledged() throws Exception {
        String sheet = "cluster-load";
        LiveGridClient setup = client(sheet, "setup").build();
        setup.connect().get(30, TimeUnit.SECONDS);
        List<String> cols = new ArrayList<>();
        for (String name : List.of("A", "B", "C")) {
            cols.add(setup.addColumn(name, null).get(30, TimeUnit.SECONDS).createdId().orElseThrow());
        }
        for (int r = 0; r < 6; r++) {
            setup.insertRow(null, Map.of(cols.get(0), "r" + r)).get(30, TimeUnit.SECONDS);
        }

        List<Writer> writers = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Writer w = new Writer(client(sheet, "writer-" + i));
            w.client.connect().get(30, TimeUnit.SECONDS);
            writers.add(w);
        }
        for (StandaloneProcess node : nodes) {
            double open = metric(get(node, "metrics"), "livegrid_connections_open{endpoint=\"sheets\"}");
            assertTrue(open >= 3, node.name() + " serves a share of the clients through nginx: " + open);
        }
        long start = setup.version();
        // Presence: a user connected straight to the server about to die (never reconnecting), seen by
        // one connected straight to a survivor.
        CompletableFuture<Void> ghostSeen = new CompletableFuture<>();
        CompletableFuture<Void> ghostGone = new CompletableFuture<>();
        LiveGridClient observer = LiveGridClient.builder(nodes.get(1).baseUri(), sheet).name("observer")
                .listener(new SheetListener() {
                    @Override
                    public void onPresence(List<dev.livegrid.client.User> users) {
                        boolean here = users.stream().anyMatch(u -> u.name().equals("ghost"));
                        if (here) {
                            ghostSeen.complete(null);
                        } else if (ghostSeen.isDone()) {
                            ghostGone.complete(null);
                        }
                    }
                }).build();
        observer.connect().get(30, TimeUnit.SECONDS);
        LiveGridClient ghost = LiveGridClient.builder(nodes.get(0).baseUri(), sheet).name("ghost")
                .reconnect(dev.livegrid.client.ReconnectPolicy.never()).build();
        ghost.connect().get(30, TimeUnit.SECONDS);
        ghostSeen.get(30, TimeUnit.SECONDS);

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Writer w = writers.get(i);
            Random random = new Random(42 + i);
            runs.add(pool.submit(() -> {
                for (int n = 0; !stop.get(); n++) {
                    try {
                        w.acked.add(ClusterLoad.randomOp(w.client, random, "w" + n).get(WAIT.toSeconds(), TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        if (!ClusterLoad.earned(e.getCause())) {
                            w.unexpected.add(String.valueOf(e.getCause()));
                        }
                    }
                }
                return null;
            }));
        }
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(LOAD_BEFORE_KILL.toMillis(), TimeUnit.MILLISECONDS)).join();
        StandaloneProcess victim = nodes.get(0);
        int ackedBeforeKill = writers.stream().mapToInt(w -> w.acked.size()).sum();
        victim.kill();
        long killed = System.nanoTime();
        ghostGone.whenComplete((done, e) -> System.out.printf("CLUSTER-KILL: the killed server's user left the"
                + " survivors' presence lists %d ms after the SIGKILL%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)));
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(LOAD_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS)).join();
        stop.set(true);
        try {
            for (Future<?> run : runs) {
                run.get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> unexpected = writers.stream().flatMap(w -> w.unexpected.stream()).toList();
        assertEquals(List.of(), unexpected, "only the refusals concurrent edits earn");
        List<Applied> acknowledged = writers.stream().flatMap(w -> w.acked.stream()).toList();
        long last = ClusterLoad.checkStore(postgres.jdbcUrl(), sheet, acknowledged);
        int acked = acknowledged.size();
        ghostGone.get(30, TimeUnit.SECONDS); // a dead server's users leave within its expiry (10 s) and a heartbeat
        int resumed = (int) writers.stream().filter(w -> w.reconnects.get() > 0).count();
        assertTrue(resumed > 0, "some clients were on the killed server and reconnected");

        Table reference = setup.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (Writer w : writers) {
            assertEquals(reference, w.client.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        jakarta.json.JsonObject served = ClusterLoad.served(nodes.get(1).baseUri(), sheet);
        assertEquals(last, served.getJsonNumber("version").longValueExact(), "node-2 serves the last version");
        assertEquals(served, ClusterLoad.served(nodes.get(2).baseUri(), sheet), "node-3 serves the same table");
        assertEquals(reference.rowIds(), served.getJsonArray("rows").stream()
                .map(r -> r.asJsonObject().getString("id")).toList(), "the servers' rows are the clients' rows");
        System.out.printf("CLUSTER-KILL: %d clients through nginx on 3 servers; %d ops acknowledged (%d before the"
                        + " SIGKILL of %s), versions %d..%d without a gap, every acknowledged op in the store;"
                        + " %d clients reconnected and resumed; all %d tables equal at version %d%n",
                CLIENTS, acked, ackedBeforeKill, victim.name(), start + 1, last, resumed, CLIENTS + 1, last);
        writers.forEach(w -> w.client.close());
        setup.close();
        observer.close();
        ghost.close();
    }

    private static LiveGridClient.Builder client(String sheet, String name) {
        return LiveGridClient.builder(nginx.baseUri(), sheet).name(name)
                .clientKey("key-" + name + "-0123456789abcdef")
                .keepAlive(Duration.ofSeconds(1))
                .opTimeout(WAIT);
    }

    private static String get(StandaloneProcess node, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(node.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + " on " + node.name() + ": " + response.body());
        return response.body();
    }

    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
    }
}
