package dev.livegrid.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What LiveGrid's own counters did in a measured window, on every server of the target: each
 * server's {@code GET /metrics} (Prometheus text) is read when the window starts and when it ends,
 * and the differences of a few series are reported, summed over the servers and per server. With
 * several servers on one database these say how often a commit found its sheet moved on by another
 * server ({@code livegrid_cluster_behind_total}: the ops were numbered again after catching up) and
 * how many ops each server took over from the others ({@code livegrid_cluster_ops_adopted_total}).
 *
 * <p>Off unless {@code --metrics on}. The reads are asynchronous (the JDK's HTTP client, its own
 * threads), so the generator's loop is not held up while a busy server renders its metrics.
 */
final class ServerMeters {

    /** The series read (a labelled one, such as the rejections by code, once per label set). */
    private static final List<String> SERIES = List.of(
            "livegrid_cluster_behind_total",
            "livegrid_cluster_ops_adopted_total",
            "livegrid_ops_acknowledged_seconds_count",
            "livegrid_commit_duration_seconds_count",
            "livegrid_commit_duration_seconds_sum",
            "livegrid_commit_batch_size_changes_count",
            "livegrid_commit_batch_size_changes_sum",
            "livegrid_ops_rejected_total");

    private final Target target;
    private final boolean enabled;
    private final HttpClient http;
    private List<CompletableFuture<Map<String, Double>>> before = List.of();
    private List<CompletableFuture<Map<String, Double>>> after = List.of();

    ServerMeters(Target target, Options options) {
        this.target = target;
        this.enabled = target.isLiveGrid() && options.choice("metrics", "off").equals("on");
        // HTTP/1.1 as a scraper speaks it: without the client's default "Upgrade: h2c", which a WebSocket
        // server's handshake filter would look at.
        this.http = enabled ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build() : null;
    }

    boolean enabled() {
        return enabled;
    }

    void start() {
        before = readAll();
    }

    void stop() {
        after = readAll();
    }

    /** The differences, summed over the servers and per server (by port); empty when off. */
    JsonLine json() {
        JsonLine json = new JsonLine();
        if (!enabled) {
            return json;
        }
        Map<String, Double> total = new TreeMap<>();
        JsonLine perServer = new JsonLine();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < target.ports().size(); i++) {
            Map<String, Double> from = before.get(i).join();
            Map<String, Double> to = after.get(i).join();
            if (from.isEmpty() || to.isEmpty()) {
                failed.add(String.valueOf(target.ports().get(i)));
                continue;
            }
            JsonLine server = new JsonLine();
            for (Map.Entry<String, Double> e : to.entrySet()) {
                double delta = e.getValue() - from.getOrDefault(e.getKey(), 0.0);
                total.merge(e.getKey(), delta, Double::sum);
                if (e.getKey().startsWith("livegrid_cluster_")) {
                    server.put(e.getKey(), delta);
                }
            }
            perServer.put(String.valueOf(target.ports().get(i)), server);
        }
        total.forEach((name, delta) -> {
            if (delta != 0 || !name.contains("[")) {
                json.put(name, delta);
            }
        });
        json.put("per_server", perServer);
        if (!failed.isEmpty()) {
            json.put("unread_ports", String.join(",", failed));
        }
        return json;
    }

    private List<CompletableFuture<Map<String, Double>>> readAll() {
        List<CompletableFuture<Map<String, Double>>> reads = new ArrayList<>();
        for (int port : target.ports()) {
            if (!enabled) {
                reads.add(CompletableFuture.completedFuture(Map.of()));
                continue;
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + target.host() + ":" + port
                    + target.context() + "/metrics")).timeout(Duration.ofSeconds(20)).GET().build();
            reads.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.statusCode() == 200 ? parse(r.body()) : Map.<String, Double>of())
                    .exceptionally(e -> Map.of()));
        }
        return reads;
    }

    /** The chosen series of a Prometheus text page; a label set becomes {@code name[k=v,…]} (no quotes). */
    static Map<String, Double> parse(String page) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : page.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            if (!SERIES.contains(name)) {
                continue;
            }
            String key = name;
            if (brace >= 0 && brace < space) {
                String labels = line.substring(brace + 1, line.lastIndexOf('}', space)).replace("\"", "");
                if (labels.endsWith(",")) {
                    labels = labels.substring(0, labels.length() - 1);
                }
                key = name + "[" + labels + "]";
            }
            try {
                values.merge(key, Double.parseDouble(line.substring(space + 1).trim()), Double::sum);
            } catch (NumberFormatException ignored) {
                // NaN and friends: not a counter
            }
        }
        return values;
    }
}
