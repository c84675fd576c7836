package dev.livegrid.standalone;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paths that try to leave {@code webapp/} or cannot be decoded get a short plain-text 400 or 404 from
 * the standalone server: never a file from elsewhere, never a stack trace, and nothing logged as a warning.
 */
class HostilePathsTest {

    private static final List<String> HOSTILE = List.of(
            "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/js/..%2f..%2f..%2fetc/passwd", "/js/../../etc/passwd",
            "/../dev/livegrid/standalone/LiveGridServer.class", "/%2e%2e/dev/livegrid/standalone/LiveGridServer.class",
            "/js/%2e%2e/%2e%2e/dev/livegrid/standalone/LiveGridServer.class", "/..%2fdev/livegrid/standalone/LiveGridServer.class",
            "/js/..%5c..%5cdev/livegrid/standalone/LiveGridServer.class", "/%00", "/index.html%00.js", "/%", "/%zz",
            "/%c0%ae%c0%ae/etc/passwd", "/.", "/..", "/%2e%2e", "/../META-INF/MANIFEST.MF", "//etc/passwd", "/..;/x",
            "/js/", "/no-such-page.html", "http://127.0.0.1/../../etc/passwd");

    private static LiveGridServer server;
    private static final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue() || record.getThrown() != null) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback());
        Logger.getLogger("").addHandler(capture);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(capture);
        server.close();
    }

    @Test
    void aPathThatLeavesTheSiteOrCannotBeDecodedIsAPlain400Or404WithoutAStackTrace() throws Exception {
        warnings.clear();
        for (String path : HOSTILE) {
            RawWebSocket.HttpResponse response = get(path);
            assertTrue(response.status() == 400 || response.status() == 404, path + " -> " + response);
            assertEquals("text/plain;charset=utf-8", response.header("Content-Type").replace(" ", ""), path + " -> " + response);
            assertTrue(response.body().startsWith(response.status() + " "), path + " -> " + response);
            assertFalse(response.body().contains("Exception") || response.body().contains("at org.")
                    || response.body().contains("Grizzly") || response.body().contains("<"), path + " -> " + response);
        }
        assertEquals(List.of(), warnings.stream().map(r -> r.getLevel() + " " + r.getMessage() + " " + r.getThrown()).toList(),
                "nothing is logged as a warning for a client's bad path");
    }

    @Test
    void filesInsideTheSiteAreStillServedWhateverTheSpelling() throws Exception {
        for (String path : List.of("/", "/index.html", "/js/../index.html", "/./index.html", "/js/livegrid.js")) {
            RawWebSocket.HttpResponse response = get(path);
            assertEquals(200, response.status(), path + " -> " + response);
        }
    }

    @Test
    void anErrorPageNeverShowsTheException() {
        String page = new PlainErrorPage().generate(null, 500, "Internal Server Error", "details for the log",
                new IllegalStateException("secret state"));
        assertEquals("500 Internal Server Error\n", page);
    }

    private static RawWebSocket.HttpResponse get(String target) throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
            return raw.exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
    }
}
