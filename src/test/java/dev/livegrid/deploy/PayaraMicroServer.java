package dev.livegrid.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR on Payara Micro: {@code java -jar payara-micro.jar --deploy livegrid.war}, HTTP bound to
 * 127.0.0.1 by a pre-boot command and its Hazelcast grid kept on loopback by a config file.
 */
final class PayaraMicroServer extends DeployedServer {

    private PayaraMicroServer(ServerProcess process, URI base, Duration bootTime) {
        super("Payara Micro", process, base, bootTime);
    }

    static PayaraMicroServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        Path jar = Path.of(System.getProperty("livegrid.payaraMicroJar", "target/servers/payara-micro.jar"))
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no Payara Micro at " + jar + ": run `mvn verify`, which downloads it");
        Path hazelcast = copyResource("hazelcast-loopback.xml", work);
        Path preboot = copyResource("payara-preboot.asadmin", work);
        int port = ServerProcess.freePort();
        long started = System.nanoTime();
        ServerProcess process = ServerProcess.start("Payara Micro", List.of(ServerProcess.java(),
                        "-Dhazelcast.config=" + hazelcast.toAbsolutePath(),
                        "-jar", jar.toString(),
                        "--deploy", war.toAbsolutePath().toString(),
                        "--port", String.valueOf(port),
                        "--nocluster", "--disablephonehome",
                        "--prebootcommandfile", preboot.toAbsolutePath().toString(),
                        "--unpackdir", work.resolve("runtime").toAbsolutePath().toString()),
                work, work.resolve("payara.log"), environment);
        URI base = URI.create("http://127.0.0.1:" + port + "/livegrid/");
        try {
            process.awaitOk(base.resolve("api/sheets"), ServerProcess.BOOT_DEADLINE, "Exception while loading the app");
        } catch (Throwable e) {
            process.close();
            throw e;
        }
        return new PayaraMicroServer(process, base, Duration.ofNanos(System.nanoTime() - started));
    }

    private static Path copyResource(String name, Path work) throws IOException {
        Path target = work.resolve(name);
        try (InputStream in = PayaraMicroServer.class.getResourceAsStream("/deploy/" + name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
