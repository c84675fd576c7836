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
    private final String warFile;

    private WildFlyServer(ServerProcess process, URI base, Duration bootTime, Path deployments, String warFile) {
        super("WildFly", process, base, bootTime);
        this.deployments = deployments;
        this.warFile = warFile;
    }

    static WildFlyServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return start(List.of(war), work, environment, List.of(), "api/sheets");
    }

    /**
     * Starts WildFly with these WARs (each at the context root of its file name; the first is
     * {@link #base()}) and these users in its {@code ApplicationRealm}, added as {@code add-user.sh -a}
     * adds them to the server's own copy of the configuration, and waits until every WAR
     * is deployed and {@code readyPath} answers 200 under its root.
     */
    static WildFlyServer start(List<Path> wars, Path work, Map<String, String> environment,
                               List<RealmUser> users, String readyPath) throws Exception {
        Path home = Path.of(System.getProperty("livegrid.wildflyHome", "target/servers/wildfly")).toAbsolutePath();
        assertTrue(Files.isExecutable(home.resolve("bin/standalone.sh")),
                "no WildFly at " + home + ": run `mvn verify`, which downloads and unpacks it");
        Path baseDir = work.resolve("standalone");
        copyTree(home.resolve("standalone/configuration"), baseDir.resolve("configuration"));
        addUsers(home, baseDir.resolve("configuration"), users, work);
        Path deployments = Files.createDirectories(baseDir.resolve("deployments"));
        for (Path war : wars) {
            Files.copy(war, deployments.resolve(war.getFileName().toString()));
        }
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
        URI base = URI.create("http://127.0.0.1:" + (8080 + offset) + "/" + contextRoot(wars.get(0)) + "/");
        WildFlyServer server = new WildFlyServer(process, base, Duration.ZERO, deployments, wars.get(0).getFileName().toString());
        try {
            for (Path war : wars) {
                server.awaitMarker(war.getFileName().toString(), "deployed");
                process.awaitOk(base.resolve("/" + contextRoot(war) + "/" + readyPath), ServerProcess.BOOT_DEADLINE,
                        "WFLYCTL0013");
            }
        } catch (Throwable e) {
            process.close();
            throw e;
        }
        return new WildFlyServer(process, base, Duration.ofNanos(System.nanoTime() - started), deployments,
                wars.get(0).getFileName().toString());
    }

    /**
     * Adds application users to this server's configuration directory: the first with
     * {@code add-user.sh}, as an operator would, the others by writing the same lines into
     * {@code application-users.properties} and {@code application-roles.properties} directly (each
     * add-user.sh run starts a JVM, several seconds on a loaded machine). The first user's lines
     * must be exactly what add-user.sh wrote, so a change of format fails here.
     */
    private static void addUsers(Path home, Path configuration, List<RealmUser> users, Path work) throws Exception {
        if (users.isEmpty()) {
            return;
        }
        addUser(home, configuration, users.get(0), work);
        Path usersFile = configuration.resolve("application-users.properties");
        Path rolesFile = configuration.resolve("application-roles.properties");
        assertTrue(Files.readAllLines(usersFile).contains(userLine(users.get(0))),
                "add-user.sh wrote " + userLine(users.get(0)) + " into " + usersFile);
        assertTrue(Files.readAllLines(rolesFile).contains(rolesLine(users.get(0))),
                "add-user.sh wrote " + rolesLine(users.get(0)) + " into " + rolesFile);
        for (RealmUser user : users.subList(1, users.size())) {
            Files.writeString(usersFile, userLine(user) + "\n", java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(rolesFile, rolesLine(user) + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** {@code name=HEX(MD5(name:ApplicationRealm:password))}, the line add-user.sh -a writes. */
    private static String userLine(RealmUser user) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(
                (user.name() + ":ApplicationRealm:" + user.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return user.name() + "=" + java.util.HexFormat.of().formatHex(digest);
    }

    /** {@code name=group1,group2}, the line add-user.sh -g writes. */
    private static String rolesLine(RealmUser user) {
        return user.name() + "=" + String.join(",", user.groups());
    }

    /**
     * {@code add-user.sh -a -sc CONFIG -u NAME -p PASSWORD -g GROUPS -s}: an application user, in
     * {@code application-users.properties} and {@code application-roles.properties} of this server's
     * configuration directory, as an operator adds one.
     */
    private static void addUser(Path home, Path configuration, RealmUser user, Path work) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/add-user.sh").toString(),
                "-a", "-sc", configuration.toAbsolutePath().toString(), "-u", user.name(), "-p", user.password()));
        if (!user.groups().isEmpty()) {
            command.addAll(List.of("-g", String.join(",", user.groups())));
        }
        command.add("-s");
        Path log = work.resolve("add-user-" + user.name() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(ServerProcess.BOOT_DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("add-user.sh for " + user.name() + " did not finish within " + ServerProcess.BOOT_DEADLINE);
        }
        assertTrue(process.exitValue() == 0, "add-user.sh for " + user.name() + " failed (" + process.exitValue() + "): "
                + Files.readString(log));
    }

    /** Undeploys the WAR as an operator would (removing the scanner's {@code .deployed} marker) and waits for it. */
    void undeploy() throws Exception {
        Files.delete(deployments.resolve(warFile + ".deployed"));
        awaitMarker(warFile, "undeployed");
    }

    /** Deploys the WAR again ({@code .dodeploy} marker) and waits until it answers. */
    void redeploy() throws Exception {
        Files.createFile(deployments.resolve(warFile + ".dodeploy"));
        awaitMarker(warFile, "deployed");
        process().awaitOk(base().resolve("api/sheets"), ServerProcess.BOOT_DEADLINE, "WFLYCTL0013");
    }

    private void awaitMarker(String warFile, String marker) throws Exception {
        Path wanted = deployments.resolve(warFile + "." + marker);
        Path failed = deployments.resolve(warFile + ".failed");
        process().awaitTrue("the deployment scanner writes " + wanted.getFileName(), ServerProcess.BOOT_DEADLINE, () -> {
            if (Files.exists(failed)) {
                String why;
                try {
                    why = Files.readString(failed);
                } catch (IOException e) {
                    why = e.toString();
                }
                throw new AssertionError("WildFly failed to deploy " + warFile + ": " + why + "\n" + process().logTail());
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
