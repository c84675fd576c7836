package dev.livegrid.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The load generator of bench/compare.sh: runs one mode against one server already listening on
 * 127.0.0.1 and prints one JSON line (server, mode, parameters, results).
 *
 * <pre>
 * java -cp … dev.livegrid.bench.load.LoadGenerator --server livegrid --port 9101 --pid 1234 --mode fanout --writer closed
 * </pre>
 *
 * Modes: {@code echo}, {@code fanout}, {@code join}, {@code idle}, {@code acks} (see their classes for options).
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
        Target target = new Target(options.string("server", "livegrid"), options.string("host", "127.0.0.1"),
                Integer.parseInt(options.string("port", "8080")), Long.parseLong(options.string("pid", "-1")),
                options.string("context", ""));
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        JsonLine results = mode.run(target, options);
        System.out.println(new JsonLine()
                .put("time", Instant.now().toString())
                .put("server", target.server())
                .put("mode", modeName)
                .put("label", options.string("label", modeName))
                .put("commit", options.string("commit", "unknown"))
                .put("pinning", options.string("pinning", "none"))
                .put("load_before", load)
                .put("parameters", options.parameters())
                .put("results", results));
    }
}
