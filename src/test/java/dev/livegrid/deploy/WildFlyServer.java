package dev.livegrid.deploy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR on WildFly: the unpacked distribution started with {@code bin/standalone.sh}, bound to
 * 127.0.0.1 with a free port offset, on a server base directory of its own (a copy of
 * {@code standalone/}), the WAR deployed by the deployment scanner. Undeploy and redeploy use the
 * scanner's marker files, as an operator would.
 */
final class WildFlyServer extends DeployedServer {

    /** Ports of WildFly's default standalone.xml, moved together by the port offset. */
    private static final int[] PORTS = {8080, 8443, 8009, 9990, 9993, 4712, 4713};

    private final Path deployments;

    private WildFlyServer(ServerProcess process, URI base, Duration bootTime, Path deployments) {
        super("WildFly", process, base, bootTime);
        this.deployments = deployments;
    }

    static WildFlyServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        Path home = Path.of(System.getProperty("livegrid.wildflyHome", "target/servers/wildfly")).toAbsolutePath();
        assertTrue(Files.isExecutable(home.resolve("bin/standalone.sh")),
                "no WildFly at " + home + ": run `mvn verify`, which downloads and unpacks it");
        Path baseDir = work.resolve("standalone");
        copyTree(home.resolve("standalone/configuration"), baseDir.resolve("configuration"));
        Path deployments = Files.createDirectories(baseDir.resolve("deployments"));
        Files.copy(war, deployments.resolve("livegrid.war"));
        int offset = freeOffset();
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        ServerProcess process = ServerProcess.start("WildFly", List.of(home.resolve("bin/standalone.sh").toString(),
                        "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                        "-Djboss.socket.binding.port-offset=" + offset,
                        "-Djboss.server.base.dir=" + baseDir.toAbsolutePath()),
                work, work.resolve("wildfly.log"), env);
        URI base = URI.create("http://127.0.0.1:" + (8080 + offset) + "/livegrid/");
        WildFlyServer server = new WildFlyServer(process, base, Duration.ZERO, deployments);
        try {
            server.awaitMarker("deployed");
            process.awaitOk(base.resolve("api/sheets"), ServerProcess.BOOT_DEADLINE, "WFLYCTL0013");
        } catch (Throwable e) {
            process.close();
            throw e;
        }
        return new WildFlyServer(process, base, Duration.ofNanos(System.nanoTime() - started), deployments);
    }

    /** Undeploys the WAR as an operator would (removing the scanner's {@code .deployed} marker) and waits for it. */
    void undeploy() throws Exception {
        Files.delete(deployments.resolve("livegrid.war.deployed"));
        awaitMarker("undeployed");
    }

    /** Deploys the WAR again ({@code .dodeploy} marker) and waits until it answers. */
    void redeploy() throws Exception {
        Files.createFile(deployments.resolve("livegrid.war.dodeploy"));
        awaitMarker("deployed");
        process().awaitOk(base().resolve("api/sheets"), ServerProcess.BOOT_DEADLINE, "WFLYCTL0013");
    }

    private void awaitMarker(String marker) throws Exception {
        Path wanted = deployments.resolve("livegrid.war." + marker);
        Path failed = deployments.resolve("livegrid.war.failed");
        process().awaitTrue("the deployment scanner writes " + wanted.getFileName(), ServerProcess.BOOT_DEADLINE, () -> {
            if (Files.exists(failed)) {
                String why;
                try {
                    why = Files.readString(failed);
                } catch (IOException e) {
                    why = e.toString();
                }
                throw new AssertionError("WildFly failed to deploy livegrid.war: " + why + "\n" + process().logTail());
            }
            return Files.exists(wanted);
        });
    }

    private static int freeOffset() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(100, 20000);
            if (IntStream.of(PORTS).allMatch(p -> ServerProcess.isFree(p + offset))) {
                return offset;
            }
        }
        throw new AssertionError("no free port offset for WildFly");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
