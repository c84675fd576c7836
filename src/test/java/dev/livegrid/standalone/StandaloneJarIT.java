package dev.livegrid.standalone;

import dev.livegrid.support.WsEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged {@code target/livegrid-standalone.jar}, started with {@code java -jar} from another directory. */
class StandaloneJarIT {

    private static final Pattern SERVING = Pattern.compile("LiveGrid serving (http://\\S+/)");

    @TempDir
    Path elsewhere;

    @Test
    void jarServesPageAndEchoOnOnePortAndStopsOnSigterm() throws Exception {
        Process process = launch(Map.of("LIVEGRID_PORT", "0", "LIVEGRID_BIND", "127.0.0.1"));
        BlockingQueue<String> lines = linesOf(process);
        URI base = URI.create(awaitMatch(lines, SERVING).group(1));

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("echo.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Hello world!"), "echo.html is served from the jar");
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(null));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
        // The welcome page of the jar's root folder, to a HEAD; a folder itself is no file.
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(base).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, root.statusCode());
        assertTrue(root.headers().firstValueAsLong("Content-Length").orElse(0) > 1000, root.headers().toString());
        assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve("js")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        WsEvents events = new WsEvents();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + base.getAuthority() + "/echo"), events).join();
        ws.sendText("from the jar", true).join();
        assertEquals("from the jar", events.nextText());

        WsEvents sheet = new WsEvents();
        http.newWebSocketBuilder().buildAsync(URI.create("ws://" + base.getAuthority() + "/sheets/demo"), sheet).join();
        String welcome = sheet.nextText();
        assertTrue(welcome.startsWith("{\"type\":\"welcome\",\"sheet\":\"demo\"") && welcome.contains("小明"),
                "the jar's JSON-B encodes records in full: " + welcome);

        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        assertEquals(143, process.exitValue(), "exit status after SIGTERM");
        awaitMatch(lines, Pattern.compile("LiveGrid stopped"));
    }

    @Test
    void badSettingStopsStartUpNamingTheSetting() throws Exception {
        Process process = launch(Map.of("LIVEGRID_PORT", "eighty"));
        BlockingQueue<String> lines = linesOf(process);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server should refuse to start");
        assertEquals(2, process.exitValue());
        awaitMatch(lines, Pattern.compile("livegrid\\.port \\(LIVEGRID_PORT\\) = 'eighty'"));
    }

    private Process launch(Map<String, String> environment) throws IOException {
        Path jar = Path.of(System.getProperty("livegrid.standaloneJar", "target/livegrid-standalone.jar"))
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "run `mvn package` first: no " + jar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString()))
                .directory(elsewhere.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Every output line of the process, collected on a daemon thread. */
    private static BlockingQueue<String> linesOf(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println("[jar] " + line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static Matcher awaitMatch(BlockingQueue<String> lines, Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
        }
        assertNotNull(null, "no output line matching " + pattern + " within 60 s");
        return null;
    }
}
