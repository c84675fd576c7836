package dev.livegrid.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Jakarta EE server running as a child process of the test: started from its own directory,
 * its output in a log file, waited for with deadlines that allow a slow machine, and stopped with
 * SIGTERM (then SIGKILL) together with every process it started.
 */
final class ServerProcess implements AutoCloseable {

    /** How long a server may take to start and deploy the WAR; boots take 5–30 s here, up to 3x under load. */
    static final Duration BOOT_DEADLINE = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code directory}, output to {@code log}, with extra environment variables. */
    static ServerProcess start(String name, List<String> command, Path directory, Path log,
                               java.util.Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new ServerProcess(name, builder.start(), log);
    }

    /** The java binary of the JVM running the tests (the servers run on the same JDK). */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A TCP port nobody listens on at 127.0.0.1 right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until {@code url} answers 200, failing early (with the log) if the process dies or its log
     * shows {@code failure} (a server that keeps running after a failed deployment).
     */
    void awaitOk(URI url, Duration deadline, String failure) throws Exception {
        awaitTrue("GET " + url + " answers 200", deadline, () -> {
            if (log().contains(failure)) {
                throw new AssertionError(name + " reports a failed deployment (\"" + failure + "\")\n" + logTail());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Polls {@code condition} until it holds; fails with the end of the server's log if it never does. */
    void awaitTrue(String what, Duration deadline, BooleanSupplier condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (status " + process.exitValue() + ") before: " + what
                        + "\n" + logTail());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(name + ": not within " + deadline.toSeconds() + " s: " + what + "\n" + logTail());
            }
            Thread.sleep(250);
        }
    }

    /** The JVM of the server: the process itself, or the java process a start script launched. */
    ProcessHandle jvm() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no java process found"));
    }

    /** The names of the server JVM's threads, from {@code jcmd PID Thread.print}. */
    List<String> threadNames() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(jvm().pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!dump.waitFor(60, TimeUnit.SECONDS) || dump.exitValue() != 0) {
            throw new AssertionError("jcmd Thread.print failed: " + out);
        }
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("\"")) {
                names.add(line.substring(1, line.indexOf('"', 1)));
            }
        }
        return names;
    }

    /** The server's log so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String logTail() {
        String text = log();
        return "--- last lines of " + log + " ---\n" + text.substring(Math.max(0, text.length() - 6000));
    }

    Optional<Integer> exitStatus() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** SIGTERM to the server and everything it started; SIGKILL what is left after 60 s. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        all.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle p : all) {
            while (p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
