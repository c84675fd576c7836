package dev.livegrid.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A throwaway PostgreSQL cluster for a test run, from Debian's {@code postgresql} package (which
 * {@code .ci/install-test-deps.sh} installs): {@code initdb} into a fresh temporary directory, the
 * server started with {@code pg_ctl} on a free port bound to 127.0.0.1 (unix socket in that
 * directory too, so it never meets the system's cluster), trust authentication for the superuser
 * {@code livegrid} and a database {@code livegrid}. {@link #close()} stops it ({@code pg_ctl stop -m
 * fast}) and deletes the directory. initdb refuses to run as root, so as root (CI) the binaries run
 * as the package's {@code postgres} user ({@code runuser}) in a directory that user owns. Fails, never
 * skips, when the binaries are missing.
 */
public final class LocalPostgres implements AutoCloseable {

    /** Where Debian puts each major version's binaries: {@code /usr/lib/postgresql/<major>/bin}. */
    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
    /** How long initdb, start-up and shutdown may each take: about a second here, far more on a loaded machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    public static final String USER = "livegrid";
    public static final String DATABASE = "livegrid";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final List<String> runAs;
    private final int port;
    private final Thread shutdownHook;
    private Duration startTime = Duration.ZERO;
    private boolean closed;

    private LocalPostgres(Path bin, Path dir, List<String> runAs, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        this.runAs = runAs;
        this.port = port;
        // A test JVM that is killed or exits without close() must not leave a postgres running.
        this.shutdownHook = new Thread(this::stopQuietly, "livegrid-test-postgres-stop");
    }

    /** initdb, start, create the database {@value #DATABASE}; fails with the server's log if any step does. */
    public static LocalPostgres start() throws Exception {
        Path bin = binaries();
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("livegrid-pg-");
        List<String> runAs = List.of();
        if (isRoot()) {
            runAs = List.of("runuser", "-u", "postgres", "--");
            run(List.of("chown", "postgres:", dir.toString()), dir, "chown of " + dir);
        }
        Path data = dir.resolve("data");
        run(concat(runAs, bin.resolve("initdb").toString(), "-D", data.toString(), "--auth=trust", "-U", USER,
                "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"), dir, "initdb");
        LocalPostgres postgres = null;
        try {
            int port = freePort();
            postgres = new LocalPostgres(bin, dir, runAs, port);
            Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
            // -W: no waiting in pg_ctl; awaitConnectable below waits, with the log at hand if it fails.
            run(concat(runAs, bin.resolve("pg_ctl").toString(), "start", "-W", "-D", data.toString(),
                    "-l", postgres.log.toString(),
                    "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir), dir, "pg_ctl start");
            postgres.awaitConnectable(0);
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"));
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            postgres.startTime = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("PostgreSQL %s ready on 127.0.0.1:%d after %.1f s (initdb, start, CREATE DATABASE), in %s%n",
                    bin.getParent().getFileName(), port, postgres.startTime.toMillis() / 1000.0, dir);
            return postgres;
        } catch (Throwable e) {
            if (postgres != null) {
                String logText = postgres.logTail();
                postgres.close();
                e.addSuppressed(new AssertionError(logText));
            } else {
                deleteTree(dir);
            }
            throw e;
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/livegrid?user=livegrid} (trust: no password). */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    public int port() {
        return port;
    }

    /** From the start of initdb until the database answered. */
    public Duration startTime() {
        return startTime;
    }

    /** The log after {@code offset} bytes; empty while the server has not created it yet. */
    private String logSince(long offset) {
        byte[] all;
        try {
            all = Files.readAllBytes(log);
        } catch (IOException notYet) {
            return "";
        }
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
    }

    /** The end of the server's log, for failure messages. */
    public String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return "--- last lines of " + log + " ---\n" + text.substring(Math.max(0, text.length() - 6000));
        } catch (IOException e) {
            return "(no server log: " + e + ")";
        }
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: open connections are cut), keeping its data for {@link #restart}. */
    public synchronized void stop() throws Exception {
        run(concat(runAs, bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast",
                "-w", "-t", String.valueOf(DEADLINE.toSeconds())), dir, "pg_ctl stop");
    }

    /** Starts the stopped server again, on the same port with the same data, and waits until it answers. */
    public synchronized void restart() throws Exception {
        long logBefore = Files.size(log); // the stop's own FATAL lines are not this start's
        run(concat(runAs, bin.resolve("pg_ctl").toString(), "start", "-W", "-D", data.toString(),
                "-l", log.toString(), "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir), dir, "pg_ctl start");
        awaitConnectable(logBefore);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called from the hook itself, or during JVM shutdown.
        }
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(concat(runAs, bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast",
                        "-w", "-t", String.valueOf(DEADLINE.toSeconds())), dir, "pg_ctl stop");
            }
        } catch (Exception | AssertionError e) {
            System.err.println("LocalPostgres: " + e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    private void stopQuietly() {
        close();
    }

    /** Waits until the server answers; gives up early when the log after {@code logFrom} bytes says it failed. */
    private void awaitConnectable(long logFrom) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        SQLException last = null;
        while (System.nanoTime() < end) {
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"))) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            if (logSince(logFrom).contains("FATAL") && !Files.exists(data.resolve("postmaster.pid"))) {
                break; // the server gave up (port taken, bad setting): no use waiting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("PostgreSQL did not accept connections on 127.0.0.1:" + port + " within "
                + DEADLINE.toSeconds() + " s (" + last + ")\n" + logTail(), last);
    }

    /** The newest {@code /usr/lib/postgresql/<major>/bin} with initdb and pg_ctl; fails when there is none. */
    private static Path binaries() {
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(DEBIAN_VERSIONS)) {
            try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
                newest = versions
                        .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")) && Files.isExecutable(v.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                        .map(v -> v.resolve("bin"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (newest.isEmpty()) {
            fail("no PostgreSQL server binaries in " + DEBIAN_VERSIONS
                    + "/<major>/bin: run .ci/install-test-deps.sh to install Debian's postgresql");
        }
        return newest.get();
    }

    private static boolean isRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor();
        return out.equals("0");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command to completion within the deadline; fails with its output when it does not exit 0. */
    private static void run(List<String> command, Path directory, String what) throws Exception {
        File output = File.createTempFile("livegrid-pg-cmd-", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(output).start();
            if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(what + " did not finish within " + DEADLINE.toSeconds() + " s: " + command
                        + "\n" + Files.readString(output.toPath()));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(what + " failed (exit " + p.exitValue() + "): " + command
                        + "\n" + Files.readString(output.toPath()));
            }
        } finally {
            Files.deleteIfExists(output.toPath());
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            System.err.println("LocalPostgres: could not delete " + dir + ": " + e);
        }
    }
}
