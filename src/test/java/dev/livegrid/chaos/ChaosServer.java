package dev.livegrid.chaos;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The real server under test, on one data directory (SQLite on disk) for the whole run: started,
 * stopped and started again, sometimes with other limits, on a free port of 127.0.0.1.
 */
final class ChaosServer implements AutoCloseable {

    private final Path dataDir;
    private final Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    private volatile LiveGridServer server;
    private Settings settings;
    private int smallestOpWindow = Integer.MAX_VALUE;
    /** The threads this server started that must live as long as it runs (found by name at start). */
    private java.util.List<Thread> vital = java.util.List.of();

    ChaosServer(Path dataDir, Map<Setting, String> initial) {
        this.dataDir = dataDir;
        overrides.putAll(initial);
    }

    /** Starts a server with the current settings; an exception if it does not start. */
    void start() throws Exception {
        Map<Setting, String> all = new EnumMap<>(overrides);
        all.put(Setting.DATA_DIR, dataDir.toString());
        settings = TestSettings.loopback().with(all);
        smallestOpWindow = Math.min(smallestOpWindow, settings.opWindow());
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        server = LiveGridServer.start(settings);
        vital = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .filter(t -> t.getName().equals("livegrid-committer") || t.getName().startsWith("livegrid-scheduler"))
                .toList();
    }

    /** Stops the server (what it had handed to the store is committed first). */
    void stop() {
        LiveGridServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    /** Changes settings for the next start: {@code null} restores a setting's default. */
    void change(Setting setting, String value) {
        if (value == null) {
            overrides.remove(setting);
        } else {
            overrides.put(setting, value);
        }
    }

    boolean running() {
        return server != null;
    }

    URI base() {
        LiveGridServer s = server;
        if (s == null) {
            throw new IllegalStateException("the server is not running");
        }
        return s.baseUri();
    }

    /** {@code ws://127.0.0.1:PORT} + path. */
    URI webSocketUri(String path) {
        LiveGridServer s = server;
        if (s == null) {
            throw new IllegalStateException("the server is not running");
        }
        return s.webSocketUri(path);
    }

    Settings settings() {
        return settings;
    }

    Path database() {
        return dataDir.resolve("livegrid.db");
    }

    int smallestOpWindow() {
        return smallestOpWindow;
    }

    OpFactory.Limits limits() {
        return new OpFactory.Limits(settings.maxValueLength(), settings.maxRows(), settings.maxColumns());
    }

    /** The settings that differ from the defaults, for the log. */
    String describe() {
        return overrides.entrySet().stream().map(e -> e.getKey().property() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /**
     * A problem with the server's own threads, or null: its committer and scheduler must live while it
     * runs. (Room threads are a pool's, which replaces a worker that dies; such a death reaches the
     * default uncaught-exception handler, which the test watches.)
     */
    String threadProblem() {
        if (vital.stream().noneMatch(t -> t.getName().equals("livegrid-committer"))) {
            return "no livegrid-committer thread was found after the start";
        }
        return vital.stream().filter(t -> !t.isAlive()).map(t -> t.getName() + " died").findFirst().orElse(null);
    }

    @Override
    public void close() {
        stop();
    }
}
