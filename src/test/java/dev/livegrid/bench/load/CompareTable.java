package dev.livegrid.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints bench/compare.sh's results (one JSON line per run) as a markdown table: one row per
 * measure, one column per server, and LiveGrid's ratio to bare Tyrus and to the Go server.
 *
 * <pre>java -cp … dev.livegrid.bench.load.CompareTable bench/results/2026-12-02T19-20-00.jsonl</pre>
 */
public final class CompareTable {

    private static final List<String> SERVERS = List.of("go", "tyrus", "livegrid", "livegrid-memory");
    /** The WAR on Payara Micro: a column of its own when the results have it (compare.sh --servers …,livegrid-payara). */
    private static final String PAYARA = "livegrid-payara";

    /** A row: the run's label, what is shown, where it is in the results, and how it is written. */
    private record Row(String label, String caption, String pointer, String format) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("echo", "echo, 50 conns × 100 B closed loop: msgs/s ↑", "/results/msgs_per_s", "count"),
            new Row("echo", "echo: p99 round trip, ms ↓", "/results/latency/p99_ms", "ms"),
            new Row("fanout-rate", "fan-out, 200 viewers, 1 writer at 200 edits/s: p99 per delivery, ms ↓", "/results/per_delivery/p99_ms", "ms"),
            new Row("fanout-rate", "… p99 edit → every viewer, ms ↓", "/results/per_edit_all_viewers/p99_ms", "ms"),
            new Row("fanout-rate", "… max edit → every viewer, ms ↓", "/results/per_edit_all_viewers/max_ms", "ms"),
            new Row("fanout-rate", "… viewers dropped (of 200) ↓", "/results/viewer_closes", "closes"),
            new Row("fanout-closed", "fan-out max (writer waits when 20 behind): deliveries/s ↑", "/results/deliveries_per_s", "count"),
            new Row("fanout-closed", "… p99 per delivery, ms ↓", "/results/per_delivery/p99_ms", "ms"),
            new Row("fanout-flood", "flood (writer as fast as TCP takes, 10 s): edits sent/s", "/results/edits_sent_per_s", "count"),
            new Row("fanout-flood", "… deliveries/s in the 10 s ↑", "/results/deliveries_per_s", "count"),
            new Row("fanout-flood", "… viewers' p50 latency, ms ↓", "/results/per_delivery/p50_ms", "ms"),
            new Row("fanout-flood", "… viewers' p99 latency, ms ↓", "/results/per_delivery/p99_ms", "ms"),
            new Row("fanout-flood", "… viewers dropped (of 200) ↓", "/results/viewer_closes", "closes"),
            new Row("fanout-flood", "… edits rejected by the server", "/results/rejected", "count"),
            new Row("fanout-flood", "… another writer's 10 edits/s meanwhile: viewers' p50, ms ↓", "/results/bystander/per_delivery/p50_ms", "ms"),
            new Row("fanout-flood", "… … viewers' p99, ms ↓", "/results/bystander/per_delivery/p99_ms", "ms"),
            new Row("fanout-flood", "… … of its edits, rejected", "/results/bystander/rejected", "count"),
            new Row("join-200", "200 viewers join one sheet in 2 s: welcomed", "/results/welcomed", "count"),
            new Row("join-200", "… messages to all clients ↓", "/results/messages", "count"),
            new Row("join-200", "… MB to all clients ↓", "/results/bytes", "mb"),
            new Row("join-200", "… last message after last join, ms ↓", "/results/last_message_after_last_join_ms", "quiet"),
            new Row("join-2000", "2,000 viewers join one sheet in 2 s: welcomed", "/results/welcomed", "count"),
            new Row("join-2000", "… messages to all clients (counted) ↓", "/results/messages", "count"),
            new Row("join-2000", "… MB to all clients (counted) ↓", "/results/bytes", "mb"),
            new Row("join-2000", "… last message after last join, ms ↓", "/results/last_message_after_last_join_ms", "quiet"),
            new Row("scale-50", "fan-out max, 50 viewers: deliveries/s ↑", "/results/deliveries_per_s", "count"),
            new Row("scale-50", "… server CPU µs per delivery ↓", "/results/server_cpu_us_per_delivery", "ms"),
            new Row("fanout-closed", "fan-out max, 200 viewers: server CPU µs per delivery ↓", "/results/server_cpu_us_per_delivery", "ms"),
            new Row("scale-1000", "fan-out max, 1,000 viewers: deliveries/s ↑", "/results/deliveries_per_s", "count"),
            new Row("scale-1000", "… server CPU µs per delivery ↓", "/results/server_cpu_us_per_delivery", "ms"),
            new Row("acks-1", "1 sheet, 2 writers × 32 edits unanswered, no viewers: acknowledged/s ↑", "/results/acks_per_s", "count"),
            new Row("acks-1", "… p99 ack latency, ms ↓", "/results/ack_latency/p99_ms", "ms"),
            new Row("acks-1", "… server CPU µs per ack ↓", "/results/server_cpu_us_per_ack", "ms"),
            new Row("acks-10", "10 sheets, 2 writers each × 32 unanswered: acknowledged/s ↑", "/results/acks_per_s", "count"),
            new Row("acks-10", "… p99 ack latency, ms ↓", "/results/ack_latency/p99_ms", "ms"),
            new Row("idle", "10,000 idle connections over 100 rooms: open at the end", "/results/open", "count"),
            new Row("idle", "… server RSS per connection, KiB ↓", "/results/kib_per_connection", "kib"),
            new Row("idle", "… JVM live heap per connection after a full GC, KiB ↓", "/results/live_heap_kib_per_connection", "kib"),
            new Row("*", "generator CPU, most of one core used in any run", "/results/window/generator_cpu", "cpu"));

    private CompareTable() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, JsonObject> runs = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                JsonObject run = reader.readObject();
                runs.put(run.getString("label") + "/" + run.getString("server"), run);
            }
        }
        boolean payara = runs.keySet().stream().anyMatch(key -> key.endsWith("/" + PAYARA));
        List<String> servers = new java.util.ArrayList<>(SERVERS);
        if (payara) {
            servers.add(PAYARA);
        }
        System.out.println("| measure | Go gorilla | bare Tyrus | LiveGrid | LiveGrid, data-dir=memory |"
                + (payara ? " LiveGrid WAR on Payara Micro, data-dir=memory |" : "") + " LiveGrid / Tyrus | LiveGrid / Go |");
        System.out.println("|---|---:|---:|---:|---:|" + (payara ? "---:|" : "") + "---:|---:|");
        for (Row row : ROWS) {
            Map<String, Double> values = new HashMap<>();
            StringBuilder line = new StringBuilder("| " + row.caption() + " |");
            for (String server : servers) {
                Double value = row.label().equals("*") ? maxOver(runs, server, row) : value(runs.get(row.label() + "/" + server), row);
                values.put(server, value);
                line.append(' ').append(format(value, row, runs.get(row.label() + "/" + server))).append(" |");
            }
            line.append(' ').append(ratio(values.get("livegrid"), values.get("tyrus"), row)).append(" |");
            line.append(' ').append(ratio(values.get("livegrid"), values.get("go"), row)).append(" |");
            if (values.values().stream().anyMatch(v -> v != null)) {
                System.out.println(line);
            }
        }
    }

    private static Double maxOver(Map<String, JsonObject> runs, String server, Row row) {
        return runs.entrySet().stream().filter(e -> e.getKey().endsWith("/" + server))
                .map(e -> value(e.getValue(), row)).filter(v -> v != null).max(Double::compare).orElse(null);
    }

    private static Double value(JsonObject run, Row row) {
        if (run == null) {
            return null;
        }
        JsonValue value;
        try {
            value = Json.createPointer(row.pointer()).getValue(run);
        } catch (RuntimeException e) {
            return null;
        }
        if (row.pointer().endsWith("_ms") && row.pointer().lastIndexOf('/') > 0) {
            // A latency of no deliveries (every viewer dropped first) is no latency.
            String count = row.pointer().substring(0, row.pointer().lastIndexOf('/')) + "/count";
            try {
                if (((JsonNumber) Json.createPointer(count).getValue(run)).longValue() == 0) {
                    return null;
                }
            } catch (RuntimeException e) {
                // no count beside this figure: keep it
            }
        }
        if (row.format().equals("closes")) {
            return (double) value.asJsonObject().values().stream().mapToInt(v -> ((JsonNumber) v).intValue()).sum();
        }
        return value instanceof JsonNumber number ? number.doubleValue() : null;
    }

    private static String format(Double value, Row row, JsonObject run) {
        if (value == null) {
            return "–";
        }
        String text = switch (row.format()) {
            case "count", "closes" -> String.format(Locale.ROOT, "%,.0f", value);
            case "mb" -> String.format(Locale.ROOT, "%,.1f", value / 1e6);
            case "kib", "cpu" -> String.format(Locale.ROOT, "%.2f", value);
            default -> value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
        };
        if (row.format().equals("quiet") && run != null && !run.getJsonObject("results").getBoolean("quiet", true)) {
            text = "not quiet after " + run.getJsonObject("parameters").getJsonNumber("limit").intValue() + " s";
        }
        return text;
    }

    private static String ratio(Double liveGrid, Double peer, Row row) {
        if (liveGrid == null || peer == null || peer == 0 || row.format().equals("closes") || row.format().equals("cpu")
                || row.format().equals("quiet")) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f×", liveGrid / peer);
    }
}
