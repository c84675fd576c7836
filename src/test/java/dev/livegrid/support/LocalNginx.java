package dev.livegrid.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's nginx ({@code .ci/install-test-deps.sh} installs it) as a round-robin load balancer in front
 * of servers on 127.0.0.1, with the configuration LiveGrid ships ({@code deploy/nginx-cluster.conf}:
 * WebSocket upgrades passed through, idle sockets kept longer than any ping interval, the next
 * server tried when one refuses the connection) pointed at the test's servers: its own prefix and
 * port, in the foreground as a child of the test, never the system's service.
 */
public final class LocalNginx implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path dir;

    private LocalNginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts nginx in {@code dir} on a free port of 127.0.0.1, balancing over {@code upstreams} (ports of 127.0.0.1). */
    public static LocalNginx start(Path dir, List<Integer> upstreams) throws Exception {
        assertTrue(Files.isExecutable(NGINX), "no " + NGINX + ": run .ci/install-test-deps.sh");
        Files.createDirectories(dir.resolve("temp"));
        // As root, nginx's workers run as nobody: they must be able to use the temp directories.
        Files.setPosixFilePermissions(dir.resolve("temp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, configuration(dir, port, upstreams));
        Process process = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(),
                "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        LocalNginx nginx = new LocalNginx(process, port, dir);
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                fail("nginx exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("nginx.out"))
                        + Files.readString(dir.resolve("error.log")));
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return nginx;
            } catch (IOException notYet) {
                // not listening yet
            }
        }
        nginx.close();
        fail("nginx did not listen on " + port + " within " + START_DEADLINE);
        return null;
    }

    /** The load balancer's configuration that docs/DEPLOYMENT.md and docker-compose.yml ship. */
    static final Path SHIPPED = Path.of("deploy/nginx-cluster.conf");

    /**
     * The shipped configuration ({@link #SHIPPED}) with its upstream servers and listening port set to
     * this test's, inside the few main-context lines a foreground nginx of its own needs.
     */
    static String configuration(Path dir, int port, List<Integer> upstreams) throws IOException {
        String shipped = Files.readString(SHIPPED);
        String servers = upstreams.stream().map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=5s;")
                .collect(Collectors.joining("\n"));
        String site = shipped.replaceAll("(?m)^\\s*server cluster-\\d+:8080[^\\n]*\\n", "")
                .replace("upstream livegrid {\n", "upstream livegrid {\n" + servers + "\n")
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        assertTrue(site.contains("server 127.0.0.1:") && site.contains("listen 127.0.0.1:" + port)
                && !site.contains("cluster-1"), "the shipped configuration's upstream and listen lines changed shape:\n" + site);
        String temp = dir.resolve("temp").toString();
        return """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %2$s/body;
                  proxy_temp_path %2$s/proxy;
                  fastcgi_temp_path %2$s/fastcgi;
                  uwsgi_temp_path %2$s/uwsgi;
                  scgi_temp_path %2$s/scgi;
                %3$s
                }
                """.formatted(dir, temp, site);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** nginx's error log, for failure messages. */
    public String errorLog() {
        try {
            return Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(none: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** A port free now on 127.0.0.1 (another process could take it before nginx binds it: rare, and then start fails). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
