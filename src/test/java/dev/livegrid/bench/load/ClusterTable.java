package dev.livegrid.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Prints bench/cluster.sh's results (one JSON line per run) as a markdown table: one row per measure,
 * one column per number of servers, and 2 and 3 servers relative to 1. With several rounds a cell
 * holds each round's figure ("round 1 · round 2"), and so does a ratio (each round's against the 1
 * server of the same round). Then PostgreSQL's other errors and what the servers logged at WARNING
 * or above.
 *
 * <pre>java -cp … dev.livegrid.bench.load.ClusterTable bench/results/cluster-2026-12-03T09-00-00.jsonl</pre>
 */
public final class ClusterTable {

    /** A row: the run's label, its caption, its cell's text, and the figure ratios are taken of (null: none). */
    private record Row(String label, String caption, Function<JsonObject, String> text, Function<JsonObject, Double> ratioOf) {
    }

    /** Between the rounds' figures in one cell. */
    private static final String ROUNDS = " · ";
    /** PostgreSQL's errors other than deadlocks, by message: the runs they happened in. */
    private static final Map<String, List<String>> OTHER_ERRORS = new TreeMap<>();
    private static final String CPU = "… CPU, cores: servers / PostgreSQL / generator";
    private static final String LATENCY = "… ack latency p50 / p99, ms ↓";
    private static final String BEHIND = "… commits of a sheet found behind, per 1000 acks";
    private static final String BATCH = "… changes per committer batch (all servers)";
    private static final String DB = "… PostgreSQL during the run: deadlocks; lock waits longer than deadlock_timeout (row / NOTIFY)";

    private static final List<Row> ROWS = List.of(
            acks("acks-1", "1 sheet, 6 writers × 16 unanswered (writer i on server i mod N): acknowledged/s ↑"),
            new Row("acks-1", LATENCY, figures("/results/ack_latency/p50_ms", "/results/ack_latency/p99_ms"), null),
            new Row("acks-1", BEHIND, ClusterTable::behindPerThousand, null),
            new Row("acks-1", "… ops adopted from other servers, per ack", ClusterTable::adoptedPerAck, null),
            new Row("acks-1", BATCH, ClusterTable::changesPerCommit, null),
            new Row("acks-1", "… rejected in the window", ClusterTable::rejections, null),
            new Row("acks-1", CPU, ClusterTable::cpu, null),
            new Row("db:acks-1", DB, ClusterTable::database, null),
            acks("acks-12", "12 sheets, 2 writers each × 16 (writer i on server i mod N): acknowledged/s ↑"),
            new Row("acks-12", LATENCY, figures("/results/ack_latency/p50_ms", "/results/ack_latency/p99_ms"), null),
            new Row("acks-12", BEHIND, ClusterTable::behindPerThousand, null),
            new Row("acks-12", BATCH, ClusterTable::changesPerCommit, null),
            new Row("acks-12", "… rejected in the window", ClusterTable::rejections, null),
            new Row("acks-12", CPU, ClusterTable::cpu, null),
            new Row("db:acks-12", DB, ClusterTable::database, null),
            acks("acks-12-own", "12 sheets, 1 writer each × 32 (sheet s on server s mod N): acknowledged/s ↑"),
            new Row("acks-12-own", LATENCY, figures("/results/ack_latency/p50_ms", "/results/ack_latency/p99_ms"), null),
            new Row("acks-12-own", BEHIND, ClusterTable::behindPerThousand, null),
            new Row("acks-12-own", BATCH, ClusterTable::changesPerCommit, null),
            new Row("acks-12-own", CPU, ClusterTable::cpu, null),
            new Row("db:acks-12-own", DB, ClusterTable::database, null),
            new Row("cross", "1 writer at 200 edits/s, 50 viewers on another server (N ≥ 2): per delivery p50 / p99, ms ↓",
                    figures("/results/per_delivery/p50_ms", "/results/per_delivery/p99_ms"), null),
            new Row("cross", "… same edits, 50 viewers on the writer's server: p50 / p99, ms ↓",
                    figures("/results/local/per_delivery/p50_ms", "/results/local/per_delivery/p99_ms"), null),
            new Row("cross", "… edit → every viewer p99: other server / writer's server, ms ↓",
                    figures("/results/per_edit_all_viewers/p99_ms", "/results/local/per_edit_all_viewers/p99_ms"), null),
            new Row("cross", "… viewers dropped (of 100); edits rejected",
                    run -> fmt(sum(run, "/results/viewer_closes") + sum(run, "/results/local/viewer_closes"))
                            + "; " + fmt(sum(run, "/results/rejected")), null),
            new Row("cross", CPU, ClusterTable::cpu, null),
            new Row("cross", "… quiet after the joins, s (presence across servers settled)",
                    run -> fmt(number(run, "/results/setup/quiet_after_s").orElse(null)), null),
            new Row("db:cross", DB, ClusterTable::database, null));

    private ClusterTable() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Map<Integer, Map<Integer, JsonObject>>> runs = new TreeMap<>(); // label → round → servers → run
        List<JsonObject> logs = new ArrayList<>();
        TreeSet<Integer> nodes = new TreeSet<>();
        TreeSet<Integer> rounds = new TreeSet<>();
        TreeSet<String> settings = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                JsonObject run = reader.readObject();
                if (run.getString("label").equals("server-logs")) {
                    logs.add(run);
                    continue;
                }
                int n = run.getInt("nodes", 1);
                int round = run.getInt("round", 1);
                nodes.add(n);
                rounds.add(round);
                String label = run.getString("label");
                if (label.equals("db-log")) {
                    label = "db:" + run.getString("of");
                    settings.add(run.getString("settings", ""));
                }
                runs.computeIfAbsent(label, k -> new TreeMap<>())
                        .computeIfAbsent(round, k -> new TreeMap<>()).put(n, run);
            }
        }
        if (nodes.isEmpty()) {
            System.out.println("(no runs)");
            return;
        }
        int base = nodes.first();
        StringBuilder head = new StringBuilder("| measure" + (rounds.size() > 1 ? " (round " + String.join(ROUNDS,
                rounds.stream().map(String::valueOf).toList()) + ")" : "") + " |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int n : nodes) {
            head.append(' ').append(n).append(n == 1 ? " server |" : " servers |");
            rule.append("---:|");
        }
        for (int n : nodes.tailSet(base, false)) {
            head.append(' ').append(n).append(" / ").append(base).append(" |");
            rule.append("---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Row row : ROWS) {
            Map<Integer, Map<Integer, JsonObject>> byRound = runs.get(row.label());
            if (byRound == null) {
                continue;
            }
            StringBuilder line = new StringBuilder("| " + row.caption() + " |");
            for (int n : nodes) {
                List<String> cells = new ArrayList<>();
                for (int round : rounds) {
                    JsonObject run = byRound.getOrDefault(round, Map.of()).get(n);
                    cells.add(run == null ? "–" : row.text().apply(run));
                }
                line.append(' ').append(String.join(ROUNDS, cells)).append(" |");
            }
            for (int n : nodes.tailSet(base, false)) {
                List<String> cells = new ArrayList<>();
                for (int round : rounds) {
                    JsonObject run = byRound.getOrDefault(round, Map.of()).get(n);
                    JsonObject one = byRound.getOrDefault(round, Map.of()).get(base);
                    Double a = run == null || row.ratioOf() == null ? null : row.ratioOf().apply(run);
                    Double b = one == null || row.ratioOf() == null ? null : row.ratioOf().apply(one);
                    cells.add(a == null || b == null || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b));
                }
                line.append(' ').append(String.join(ROUNDS, cells)).append(" |");
            }
            System.out.println(line);
        }
        System.out.println();
        settings.forEach(s -> System.out.println("PostgreSQL: " + s));
        OTHER_ERRORS.forEach((message, where) -> System.out.println("PostgreSQL also logged: ERROR: " + message
                + " (" + String.join(", ", where) + ")"));
        for (JsonObject log : logs) {
            StringBuilder line = new StringBuilder("server logs, round " + log.getInt("round") + ", "
                    + log.getInt("nodes") + " server(s):");
            for (JsonValue value : log.getJsonArray("servers")) {
                JsonObject server = value.asJsonObject();
                line.append(' ').append(server.getInt("warnings_or_errors")).append(" warning/error lines")
                        .append(server.getBoolean("stopped") ? " (stopped)" : " (no \"LiveGrid stopped\")").append(';');
            }
            System.out.println(line);
            for (JsonValue value : log.getJsonArray("servers")) {
                for (JsonValue first : value.asJsonObject().getJsonArray("first")) {
                    System.out.println("    " + ((JsonString) first).getString());
                }
            }
        }
    }

    private static Row acks(String label, String caption) {
        return new Row(label, caption, run -> fmt(number(run, "/results/acks_per_s").orElse(null)),
                run -> number(run, "/results/acks_per_s").orElse(null));
    }

    private static Function<JsonObject, String> figures(String first, String second) {
        return run -> fmt(number(run, first).orElse(null)) + " / " + fmt(number(run, second).orElse(null));
    }

    private static String cpu(JsonObject run) {
        return String.join(" / ", List.of("/results/window/server_cpu", "/results/window/db_cpu", "/results/window/generator_cpu")
                .stream().map(p -> number(run, p).map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("–")).toList());
    }

    /** A db-log line: deadlocks and long lock waits PostgreSQL logged during the run, and its other errors. */
    private static String database(JsonObject log) {
        StringBuilder text = new StringBuilder(fmt(number(log, "/deadlocks").orElse(null)) + "; "
                + fmt(number(log, "/lock_waits_by_kind/row").orElse(null)) + " / "
                + fmt(number(log, "/lock_waits_by_kind/notify").orElse(null)));
        number(log, "/lock_waits_by_kind/other").filter(other -> other > 0)
                .ifPresent(other -> text.append(" (other locks: ").append(fmt(other)).append(')'));
        JsonObject errors = log.getJsonObject("errors");
        errors.forEach((message, count) -> {
            if (!message.startsWith("deadlock detected")) {
                OTHER_ERRORS.computeIfAbsent(message, m -> new ArrayList<>()).add(count + "× in " + log.getString("of")
                        + " with " + log.getInt("nodes") + " server(s), round " + log.getInt("round"));
            }
        });
        return text.toString();
    }

    private static String rejections(JsonObject run) {
        double total = number(run, "/results/rejected_in_window").orElse(0.0);
        if (total == 0) {
            return "0";
        }
        JsonObject byCode = run.getJsonObject("results").getJsonObject("rejected_in_window_by_code");
        if (byCode.size() == 1) {
            return fmt(total) + " " + byCode.keySet().iterator().next();
        }
        return fmt(total) + " (" + String.join(", ", byCode.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList()) + ")";
    }

    private static String behindPerThousand(JsonObject run) {
        return fmt(perAck(run, "livegrid_cluster_behind_total").map(v -> v * 1000).orElse(null));
    }

    private static String adoptedPerAck(JsonObject run) {
        return fmt(perAck(run, "livegrid_cluster_ops_adopted_total").orElse(null));
    }

    private static Optional<Double> perAck(JsonObject run, String meter) {
        Optional<Double> count = number(run, "/results/meters/" + meter);
        Optional<Double> acks = number(run, "/results/acks_per_s");
        Optional<Double> seconds = number(run, "/results/window/seconds");
        if (count.isEmpty() || acks.isEmpty() || seconds.isEmpty() || acks.get() == 0) {
            return Optional.empty();
        }
        return Optional.of(count.get() / (acks.get() * seconds.get()));
    }

    private static String changesPerCommit(JsonObject run) {
        Optional<Double> sum = number(run, "/results/meters/livegrid_commit_batch_size_changes_sum");
        Optional<Double> count = number(run, "/results/meters/livegrid_commit_batch_size_changes_count");
        return fmt(sum.isEmpty() || count.isEmpty() || count.get() == 0 ? null : sum.get() / count.get());
    }

    /** A number, or the sum of an object's numbers (closes by code); 0 when absent. */
    private static double sum(JsonObject run, String pointer) {
        return number(run, pointer).orElse(0.0);
    }

    private static Optional<Double> number(JsonObject run, String pointer) {
        try {
            JsonValue value = Json.createPointer(pointer).getValue(run);
            if (value instanceof JsonNumber number) {
                return Optional.of(number.doubleValue());
            }
            if (value.getValueType() == JsonValue.ValueType.OBJECT) {
                return Optional.of(value.asJsonObject().values().stream()
                        .mapToDouble(v -> v instanceof JsonNumber n ? n.doubleValue() : 0).sum());
            }
        } catch (RuntimeException e) {
            // not in this run
        }
        return Optional.empty();
    }

    private static String fmt(Double value) {
        if (value == null) {
            return "–";
        }
        if (value >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }
}
