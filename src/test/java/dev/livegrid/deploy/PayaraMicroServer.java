package dev.livegrid.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR on Payara Micro: {@code java -jar payara-micro.jar --deploy livegrid.war}, HTTP bound to
 * 127.0.0.1 by a pre-boot command and its Hazelcast grid kept on loopback by a config file; for
 * {@code auth=container}, users of its {@code file} realm created by pre-boot commands.
 */
final class PayaraMicroServer extends DeployedServer {

    private PayaraMicroServer(ServerProcess process, URI base, Duration bootTime) {
        super("Payara Micro", process, base, bootTime);
    }

    static PayaraMicroServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return start(List.of(war), work, environment, List.of(), "api/sheets");
    }

    /**
     * Starts Payara Micro with these WARs (each at the context root of its file name; the first is
     * {@link #base()}) and these users in its {@code file} realm, created by {@code create-file-user}
     * pre-boot commands, and waits until {@code readyPath} answers 200 under every WAR's root.
     */
    static PayaraMicroServer start(List<Path> wars, Path work, Map<String, String> environment,
                                   List<RealmUser> users, String readyPath) throws Exception {
        Path jar = Path.of(System.getProperty("livegrid.payaraMicroJar", "target/servers/payara-micro.jar"))
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no Payara Micro at " + jar + ": run `mvn verify`, which downloads it");
        Path hazelcast = copyResource("hazelcast-loopback.xml", work);
        Path preboot = copyResource("payara-preboot.asadmin", work);
        for (RealmUser user : users) {
            Files.writeString(preboot, createFileUser(user, work), StandardOpenOption.APPEND);
        }
        int port = ServerProcess.freePort();
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(),
                "-Dhazelcast.config=" + hazelcast.toAbsolutePath(),
                "-jar", jar.toString()));
        for (Path war : wars) {
            command.addAll(List.of("--deploy", war.toAbsolutePath().toString()));
        }
        command.addAll(List.of(
                "--port", String.valueOf(port),
                "--nocluster", "--disablephonehome",
                "--prebootcommandfile", preboot.toAbsolutePath().toString(),
                "--unpackdir", work.resolve("runtime").toAbsolutePath().toString()));
        ServerProcess process = ServerProcess.start("Payara Micro", command, work, work.resolve("payara.log"), environment);
        URI base = URI.create("http://127.0.0.1:" + port + "/" + contextRoot(wars.get(0)) + "/");
        try {
            for (Path war : wars) {
                process.awaitOk(base.resolve("/" + contextRoot(war) + "/" + readyPath), ServerProcess.BOOT_DEADLINE,
                        "Exception while loading the app");
            }
            int created = process.log().split("Boot Command create-file-user returned with result SUCCESS", -1).length - 1;
            assertTrue(created == users.size(), "create-file-user succeeded " + created + " times for " + users.size()
                    + " users\n" + process.logTail());
        } catch (Throwable e) {
            process.close();
            throw e;
        }
        return new PayaraMicroServer(process, base, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * The pre-boot command that adds {@code user} to the {@code file} realm (Payara's default), its
     * password in a file as asadmin reads it ({@code AS_ADMIN_USERPASSWORD=…}), never on the command line.
     */
    private static String createFileUser(RealmUser user, Path work) throws IOException {
        Path passwordFile = Files.createDirectories(work.resolve("realm")).resolve(user.name() + ".password");
        Files.writeString(passwordFile, "AS_ADMIN_USERPASSWORD=" + user.password() + "\n");
        return "create-file-user --passwordfile " + passwordFile.toAbsolutePath()
                + (user.groups().isEmpty() ? "" : " --groups " + String.join(":", user.groups()))
                + " " + user.name() + "\n";
    }

    private static Path copyResource(String name, Path work) throws IOException {
        Path target = work.resolve(name);
        try (InputStream in = PayaraMicroServer.class.getResourceAsStream("/deploy/" + name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
