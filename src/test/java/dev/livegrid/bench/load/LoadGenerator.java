package dev.livegrid.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The load generator of bench/compare.sh: runs one mode against one server already listening on
 * 127.0.0.1 and prints one JSON line (server, mode, parameters, results).
 *
 * <pre>
 * java -cp … dev.livegrid.bench.load.LoadGenerator --server livegrid --port 9101 --pid 1234 --mode fanout --writer closed
 * java -cp … dev.livegrid.bench.load.LoadGenerator --server livegrid --ports 9101,9102 --pids 1234,1240 --db-pid 1200 --mode acks
 * </pre>
 *
 * Modes: {@code echo}, {@code fanout}, {@code join}, {@code idle}, {@code acks} (see their classes for options).
 * {@code --ports} (default: the one {@code --port}) names several servers of one cluster: the {@code acks}
 * mode spreads its writers over them, {@code fanout} puts its writers on the first and its viewers on
 * {@code --viewer-port}; {@code --pids} (default: the one {@code --pid}) are their processes, whose CPU is
 * summed, and {@code --db-pid} the database's postmaster, whose CPU (with its backends') is reported apart.
 * {@code --metrics on} reads every server's {@code GET /metrics} at the start and end of the measured window
 * and reports what the cluster's counters did in it ({@link ServerMeters}).
 */
public final class LoadGenerator {

    private static final Map<String, Mode> MODES = Map.of(
            "echo", new EchoMode(),
            "fanout", new FanoutMode(),
            "join", new JoinMode(),
            "idle", new IdleMode(),
            "acks", new AcksMode());

    private LoadGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Options options = new Options(args);
        String modeName = options.string("mode", "echo");
        Mode mode = MODES.get(modeName);
        if (mode == null) {
            throw new IllegalArgumentException("--mode is one of " + MODES.keySet() + ", not " + modeName);
        }
        List<Integer> ports = Arrays.stream(options.string("ports", options.string("port", "8080")).split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        List<Long> pids = Arrays.stream(options.string("pids", options.string("pid", "-1")).split(","))
                .map(String::trim).map(Long::valueOf).toList();
        Target target = new Target(options.string("server", "livegrid"), options.string("host", "127.0.0.1"),
                ports.get(0), pids.get(0),
                options.string("context", ""), ports, pids, Long.parseLong(options.string("db-pid", "-1")));
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        JsonLine results = mode.run(target, options);
        System.out.println(new JsonLine()
                .put("time", Instant.now().toString())
                .put("server", target.server())
                .put("mode", modeName)
                .put("label", options.string("label", modeName))
                .put("nodes", ports.size())
                .put("round", Integer.parseInt(options.string("round", "1")))
                .put("commit", options.string("commit", "unknown"))
                .put("pinning", options.string("pinning", "none"))
                .put("load_before", load)
                .put("parameters", options.parameters())
                .put("results", results));
    }
}
