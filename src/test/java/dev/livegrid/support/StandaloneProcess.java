package dev.livegrid.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The standalone jar ({@code target/livegrid-standalone.jar}, built by {@code mvn package}) as a
 * process of its own, configured by environment variables as an operator would, its output in a log
 * file; started and waited for with a deadline, stopped with SIGTERM or killed with SIGKILL
 * ({@link #kill()}, what {@code kill -9} does). No process outlives the test JVM.
 */
public final class StandaloneProcess implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("LiveGrid serving (http://\\S+/)");
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(p -> p.toHandle().destroyForcibly()),
                "livegrid-standalone-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final URI base;

    private StandaloneProcess(String name, Process process, Path log, URI base) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** Starts the jar in {@code directory} with {@code environment} (LIVEGRID_… settings) and waits until it serves. */
    public static StandaloneProcess start(String name, Path directory, Map<String, String> environment) throws Exception {
        return start(name, directory, environment,
                Path.of(System.getProperty("livegrid.standaloneJar", "target/livegrid-standalone.jar")));
    }

    /** Starts this standalone jar (e.g. another build's, for a comparison) as {@link #start(String, Path, Map)} does. */
    public static StandaloneProcess start(String name, Path directory, Map<String, String> environment, Path standaloneJar)
            throws Exception {
        Path jar = standaloneJar.toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "run `mvn package` first: no " + jar);
        Files.createDirectories(directory);
        Path log = directory.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx384m", "-jar", jar.toString()))
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        STARTED.add(process);
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                return new StandaloneProcess(name, process, log, URI.create(serving.group(1)));
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                fail(name + " exited with status " + process.exitValue() + " before serving:\n" + Files.readString(log));
            }
        }
        process.toHandle().destroyForcibly();
        fail(name + " did not serve within " + START_DEADLINE + ":\n" + Files.readString(log));
        return null;
    }

    public URI baseUri() {
        return base;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no goodbye to any socket, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The last lines of the process's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM (the server's orderly stop), then SIGKILL if it is still running after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        STARTED.remove(process);
    }
}
