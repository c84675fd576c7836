package dev.livegrid.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code mvn install} installs as dev.livegrid:livegrid-testing, checked after {@code package}:
 * a jar of LiveGrid's own classes and pages with no library inside (its dependencies come through its
 * POM), and a POM whose every dependency is an ordinary compile or runtime one at this build's
 * versions. And the standalone jar, built from the same classes, leaves the test extension and
 * JUnit out.
 */
class LiveGridTestingArtifactIT {

    private static final Path JAR = Path.of(System.getProperty("livegrid.testingJar", "target/livegrid-testing.jar"));
    private static final Path POM = Path.of(System.getProperty("livegrid.testingPom", "target/testing/pom.xml"));
    private static final Path STANDALONE = Path.of(System.getProperty("livegrid.standaloneJar", "target/livegrid-standalone.jar"));

    @Test
    void theJarHoldsLiveGridAndNothingElse() throws IOException {
        List<String> entries = entries(JAR);
        for (String wanted : List.of("dev/livegrid/standalone/LiveGridServer.class", "dev/livegrid/testing/LiveGridExtension.class",
                "dev/livegrid/testing/LiveGridSettings.class", "dev/livegrid/testing/LiveGridTokens.class",
                "dev/livegrid/client/", "webapp/index.html", "webapp/echo.html")) {
            assertTrue(entries.stream().anyMatch(e -> e.startsWith(wanted)), "livegrid-testing.jar lacks " + wanted);
        }
        List<String> foreign = entries.stream().filter(e -> e.endsWith(".class") && !e.startsWith("dev/livegrid/")).toList();
        assertEquals(List.of(), foreign, "no fat jar: libraries come through the POM");
    }

    @Test
    void thePomIsAnOrdinaryOneAtThisVersion() throws IOException {
        String pom = Files.readString(POM);
        assertFalse(pom.contains("${"), "every placeholder filled in:\n" + pom);
        assertTrue(pom.contains("<artifactId>livegrid-testing</artifactId>"));
        assertTrue(pom.contains("<version>" + System.getProperty("livegrid.version") + "</version>"), "this build's version");
        Matcher scope = Pattern.compile("<scope>([^<]+)</scope>").matcher(pom);
        while (scope.find()) {
            assertTrue(List.of("compile", "runtime").contains(scope.group(1)), "a dependency at scope " + scope.group(1)
                    + " would not reach a project that depends on livegrid-testing");
        }
        for (String artifact : List.of("jakarta.websocket-api", "tyrus-server", "tyrus-container-grizzly-server", "yasson",
                "parsson", "sqlite-jdbc", "nimbus-jose-jwt", "commons-csv", "micrometer-registry-prometheus", "junit-jupiter-api")) {
            assertTrue(pom.contains("<artifactId>" + artifact + "</artifactId>"), "livegrid-testing's POM lacks " + artifact);
        }
    }

    @Test
    void theStandaloneJarLeavesTheExtensionAndJUnitOut() throws IOException {
        List<String> entries = entries(STANDALONE);
        assertTrue(entries.contains("dev/livegrid/standalone/LiveGridServer.class"));
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("dev/livegrid/testing/") || e.startsWith("org/junit/")
                || e.startsWith("org/opentest4j/")), "the standalone jar is the server only");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }
}
