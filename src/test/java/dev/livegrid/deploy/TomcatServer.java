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
 * its own (Tomcat's {@code conf/} with a server.xml that binds 127.0.0.1 on a free port), and for
 * {@code auth=container} users in its {@code tomcat-users.xml}.
 */
final class TomcatServer extends DeployedServer {

    private TomcatServer(ServerProcess process, URI base, Duration bootTime) {
        super("Tomcat", process, base, bootTime);
    }

    static TomcatServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return start(List.of(war), work, environment, List.of(), "api/sheets");
    }

    /**
     * Starts Tomcat with these WARs (each at the context root of its file name; the first is
     * {@link #base()}) and, when there are users, a realm that knows them ({@code tomcat-users.xml}), and
     * waits until {@code readyPath} answers 200 under every WAR's root.
     */
    static TomcatServer start(List<Path> wars, Path work, Map<String, String> environment, List<RealmUser> users,
                              String readyPath) throws Exception {
        long started = System.nanoTime();
        int port = ServerProcess.freePort();
        ServerProcess process = launch(wars, work, environment, port, users);
        URI base = URI.create("http://127.0.0.1:" + port + "/" + contextRoot(wars.get(0)) + "/");
        try {
            for (Path war : wars) {
                process.awaitOk(base.resolve("/" + contextRoot(war) + "/" + readyPath), ServerProcess.BOOT_DEADLINE,
                        DEPLOYMENT_FAILED);
            }
        } catch (Throwable e) {
            process.close();
            throw e;
        }
        return new TomcatServer(process, base, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Starts Tomcat with a WAR that must fail to start, and returns the server's log once it has. */
    static String failedDeploymentLog(Path war, Path work, Map<String, String> environment) throws Exception {
        try (ServerProcess process = launch(List.of(war), work, environment, ServerProcess.freePort(), List.of())) {
            process.awaitTrue("Tomcat reports the failed deployment", ServerProcess.BOOT_DEADLINE,
                    () -> process.log().contains(DEPLOYMENT_FAILED));
            return process.log();
        }
    }

    /** What Tomcat logs when a web application's listener throws at start-up. */
    private static final String DEPLOYMENT_FAILED = "One or more listeners failed to start";

    private static ServerProcess launch(List<Path> wars, Path work, Map<String, String> environment, int port,
                                        List<RealmUser> users) throws Exception {
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
        for (Path war : wars) {
            Files.copy(war, catalinaBase.resolve("webapps").resolve(war.getFileName().toString()));
        }
        if (!users.isEmpty()) {
            addRealm(conf, users);
        }
        Map<String, String> env = new HashMap<>(environment);
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", catalinaBase.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CATALINA_OPTS", "-Dlivegrid.it.port=" + port);
        return ServerProcess.start("Tomcat", List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"),
                work, work.resolve("tomcat.log"), env);
    }

    /**
     * The users in {@code conf/tomcat-users.xml}, each with its groups as roles, and a realm reading that
     * file in the engine of the test's server.xml (which has none): Tomcat's {@code MemoryRealm}, the
     * simplest realm over that file (Tomcat's own default server.xml reads it through a
     * {@code UserDatabaseRealm}).
     */
    private static void addRealm(Path conf, List<RealmUser> users) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<tomcat-users xmlns=\"http://tomcat.apache.org/xml\" version=\"1.0\">\n");
        users.stream().flatMap(u -> u.groups().stream()).distinct()
                .forEach(role -> xml.append("  <role rolename=\"").append(role).append("\"/>\n"));
        for (RealmUser user : users) {
            xml.append("  <user username=\"").append(user.name()).append("\" password=\"").append(user.password())
                    .append("\" roles=\"").append(String.join(",", user.groups())).append("\"/>\n");
        }
        Files.writeString(conf.resolve("tomcat-users.xml"), xml.append("</tomcat-users>\n"));
        Path serverXml = conf.resolve("server.xml");
        String server = Files.readString(serverXml);
        String withRealm = server.replaceFirst("(<Engine\\b[^>]*>)",
                "$1\n            <Realm className=\"org.apache.catalina.realm.MemoryRealm\"/>");
        assertTrue(!withRealm.equals(server), "no <Engine> in " + serverXml);
        Files.writeString(serverXml, withRealm);
    }
}
