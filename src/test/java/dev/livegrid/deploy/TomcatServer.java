package dev.livegrid.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servlet-container WAR on Tomcat: {@code bin/catalina.sh run} with a {@code CATALINA_BASE} of
 * its own (Tomcat's {@code conf/} with a server.xml that binds 127.0.0.1 on a free port).
 */
final class TomcatServer extends DeployedServer {

    private TomcatServer(ServerProcess process, URI base, Duration bootTime) {
        super("Tomcat", process, base, bootTime);
    }

    static TomcatServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        long started = System.nanoTime();
        int port = ServerProcess.freePort();
        ServerProcess process = launch(war, work, environment, port);
        URI base = URI.create("http://127.0.0.1:" + port + "/livegrid/");
        try {
            process.awaitOk(base.resolve("api/sheets"), ServerProcess.BOOT_DEADLINE, DEPLOYMENT_FAILED);
        } catch (Throwable e) {
            process.close();
            throw e;
        }
        return new TomcatServer(process, base, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Starts Tomcat with a WAR that must fail to start, and returns the server's log once it has. */
    static String failedDeploymentLog(Path war, Path work, Map<String, String> environment) throws Exception {
        try (ServerProcess process = launch(war, work, environment, ServerProcess.freePort())) {
            process.awaitTrue("Tomcat reports the failed deployment", ServerProcess.BOOT_DEADLINE,
                    () -> process.log().contains(DEPLOYMENT_FAILED));
            return process.log();
        }
    }

    /** What Tomcat logs when a web application's listener throws at start-up. */
    private static final String DEPLOYMENT_FAILED = "One or more listeners failed to start";

    private static ServerProcess launch(Path war, Path work, Map<String, String> environment, int port) throws Exception {
        Path home = Path.of(System.getProperty("livegrid.tomcatHome", "target/servers/tomcat")).toAbsolutePath();
        assertTrue(Files.isRegularFile(home.resolve("bin/catalina.sh")),
                "no Tomcat at " + home + ": run `mvn verify`, which downloads and unpacks it");
        Path catalinaBase = Files.createDirectories(work.resolve("tomcat"));
        Path conf = Files.createDirectories(catalinaBase.resolve("conf"));
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, conf.resolve(file.getFileName().toString()));
                }
            }
        }
        try (InputStream serverXml = TomcatServer.class.getResourceAsStream("/deploy/tomcat-server.xml")) {
            Files.copy(serverXml, conf.resolve("server.xml"), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String dir : new String[]{"logs", "temp", "work", "webapps"}) {
            Files.createDirectories(catalinaBase.resolve(dir));
        }
        Files.copy(war, catalinaBase.resolve("webapps/livegrid.war"));
        Map<String, String> env = new HashMap<>(environment);
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", catalinaBase.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CATALINA_OPTS", "-Dlivegrid.it.port=" + port);
        return ServerProcess.start("Tomcat", List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"),
                work, work.resolve("tomcat.log"), env);
    }
}
