package dev.livegrid.support;

import dev.livegrid.client.Applied;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.OpRejectedException;
import dev.livegrid.client.Table;

import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the cluster tests share: a random op as a user would make it on the table they see (edits with
 * and without compare-and-set, inserts, deletes, column ops), the refusals such ops earn when others
 * edit the same sheet at once, and the checks of the store's op log read straight from PostgreSQL.
 */
public final class ClusterLoad {

    /** Refusals that concurrent edits earn; anything else (store-unavailable, server-error) is a failure. */
    public static final Set<String> EARNED = Set.of("conflict", "no-such-row", "no-such-column", "rate-limited");

    private ClusterLoad() {
    }

    /** Whether an op's failure is one concurrent edits earn. */
    public static boolean earned(Throwable failure) {
        return failure instanceof OpRejectedException r && EARNED.contains(r.code());
    }

    /**
     * Every writer sends {@code opsEach} random ops, one at a time, all writers at once (writer w seeded
     * with {@code seed + w}); fails on any refusal concurrent edits do not earn. The acknowledged ops.
     */
    public static List<Applied> runWriters(List<LiveGridClient> writers, int opsEach, long seed, java.time.Duration opWait)
            throws Exception {
        List<Applied> acked = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers.size());
        try {
            List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int w = 0; w < writers.size(); w++) {
                LiveGridClient c = writers.get(w);
                Random random = new Random(seed + w);
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < opsEach; i++) {
                        try {
                            acked.add(randomOp(c, random, "w" + i).get(opWait.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                        } catch (java.util.concurrent.ExecutionException e) {
                            if (!earned(e.getCause())) {
                                unexpected.add(String.valueOf(e.getCause()));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get(5, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), unexpected, "only the refusals concurrent edits earn");
        return acked;
    }

    /** One op on the table {@code c} sees now; {@code tag} names the values it writes. */
    public static CompletableFuture<Applied> randomOp(LiveGridClient c, Random random, String tag) {
        Table table = c.table();
        List<String> rows = table.rowIds();
        List<String> cols = table.columnIds();
        int pick = random.nextInt(100);
        if (rows.isEmpty() || cols.isEmpty() || pick < 10) {
            return c.insertRow(rows.isEmpty() ? null : rows.get(random.nextInt(rows.size())),
                    cols.isEmpty() ? Map.of() : Map.of(cols.get(0), tag));
        }
        String row = rows.get(random.nextInt(rows.size()));
        String col = cols.get(random.nextInt(cols.size()));
        if (pick < 15 && rows.size() > 4) {
            return c.deleteRow(row);
        }
        if (pick < 17 && cols.size() < 6) {
            return c.addColumn("X" + tag, col);
        }
        if (pick < 18 && cols.size() > 3) {
            return c.deleteColumn(col);
        }
        if (pick < 20) {
            return c.renameColumn(col, "N" + tag);
        }
        if (pick < 60) {
            return c.edit(row, col, tag, table.versionOf(row, col)); // compare-and-set against what this client saw
        }
        return c.edit(row, col, tag);
    }

    /**
     * The sheet as one server serves it over HTTP ({@code GET …/api/sheets/{id}}), as JSON: two servers
     * hold the same table when these are equal (objects compared by member, arrays — rows, columns — in order).
     */
    public static jakarta.json.JsonObject served(java.net.URI base, String sheet) throws Exception {
        java.net.http.HttpResponse<String> read = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve("api/sheets/" + sheet)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        return jakarta.json.Json.createReader(new java.io.StringReader(read.body())).readObject();
    }

    /** The sheet's ops in the store, version → {author, op id}, read over JDBC past LiveGrid. */
    public static Map<Long, String[]> opsInTheStore(String jdbcUrl, String sheet) throws Exception {
        Map<Long, String[]> ops = new LinkedHashMap<>();
        try (var sql = DriverManager.getConnection(jdbcUrl);
             var q = sql.prepareStatement("SELECT version, author, op_id FROM livegrid_ops WHERE sheet = ? ORDER BY version")) {
            q.setString(1, sheet);
            try (var r = q.executeQuery()) {
                while (r.next()) {
                    ops.put(r.getLong(1), new String[]{r.getString(2), r.getString(3)});
                }
            }
        }
        return ops;
    }

    /**
     * Checks the store holds versions 1..last without a gap, and every acknowledged op at its version
     * (by author and op id; at least present when the client could not learn its exact version); the last version.
     */
    public static long checkStore(String jdbcUrl, String sheet, List<Applied> acknowledged) throws Exception {
        Map<Long, String[]> stored = opsInTheStore(jdbcUrl, sheet);
        long last = stored.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        List<Long> versions = List.copyOf(stored.keySet());
        assertTrue(versions.equals(LongStream.rangeClosed(1, last).boxed().toList()),
                "the store's versions run 1.." + last + " without a gap: " + versions.size() + " ops"
                        + (versions.isEmpty() ? "" : " from " + versions.get(0)));
        Map<String, Long> versionOf = new LinkedHashMap<>();
        stored.forEach((version, row) -> versionOf.put(row[0] + "/" + row[1], version));
        Set<Long> seen = new java.util.HashSet<>();
        for (Applied a : acknowledged) {
            Long at = versionOf.get(a.by() + "/" + a.id());
            assertTrue(at != null, "acknowledged op " + a + " is in the store; at version " + a.version()
                    + " the store has " + java.util.Arrays.toString(stored.get(a.version())) + "; the author's ops there: "
                    + stored.entrySet().stream().filter(e -> e.getValue()[0].equals(a.by()))
                    .map(e -> e.getKey() + "=" + e.getValue()[1]).toList());
            if (!a.merged()) {
                assertEquals(at, a.version(), "acknowledged op " + a.id() + " of " + a.by() + " at its version");
                assertTrue(seen.add(a.version()), "version " + a.version() + " acknowledged twice");
            }
        }
        return last;
    }
}
