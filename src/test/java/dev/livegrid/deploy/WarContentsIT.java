package dev.livegrid.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the two packaged WARs hold: web resources at the root, LiveGrid's classes without the
 * standalone launcher, and in {@code WEB-INF/lib} only what no server provides — no Jakarta API in
 * the Jakarta EE WAR; the JSON-B/JSON-P APIs and implementations added in the servlet-container WAR.
 */
class WarContentsIT {

    /** The CSV import's reader and the two Commons libraries it loads. */
    private static final List<String> CSV = List.of("WEB-INF/lib/commons-codec", "WEB-INF/lib/commons-csv",
            "WEB-INF/lib/commons-io");

    @Test
    void jakartaEeWarCarriesNoServerProvidedJar() throws IOException {
        List<String> entries = entries(Path.of(System.getProperty("livegrid.war", "target/livegrid.war")));
        List<String> expected = new java.util.ArrayList<>(METRICS);
        expected.addAll(CSV);
        expected.addAll(List.of("WEB-INF/lib/nimbus-jose-jwt", "WEB-INF/lib/sqlite-jdbc"));
        assertEquals(expected.stream().sorted().toList(), names(entries), "only the embedded store's driver, the token"
                + " library, the CSV reader and the metrics registry: every Jakarta API and runtime is the server's");
        assertCommonLayout(entries);
    }

    @Test
    void servletContainerWarAddsJsonBindingAndNothingElse() throws IOException {
        List<String> entries = entries(Path.of(System.getProperty("livegrid.servletWar", "target/servlet/livegrid.war")));
        List<String> expected = new java.util.ArrayList<>(METRICS);
        expected.addAll(CSV);
        expected.addAll(List.of("WEB-INF/lib/jakarta.json-api", "WEB-INF/lib/jakarta.json.bind-api",
                "WEB-INF/lib/nimbus-jose-jwt", "WEB-INF/lib/parsson", "WEB-INF/lib/sqlite-jdbc", "WEB-INF/lib/yasson"));
        assertEquals(expected.stream().sorted().toList(), names(entries));
        assertCommonLayout(entries);
    }

    private static void assertCommonLayout(List<String> entries) {
        for (String page : List.of("index.html", "echo.html", "js/livegrid.js", "js/access.js", "js/sheet-page.js")) {
            assertTrue(entries.contains(page), "web resource " + page + " at the WAR's root");
        }
        assertTrue(entries.contains("WEB-INF/classes/dev/livegrid/war/LiveGridDeployment.class"));
        assertTrue(entries.contains("WEB-INF/web.xml"), "the login configuration and roles of auth=container");
        assertTrue(entries.contains("WEB-INF/classes/dev/livegrid/endpoint/SheetEndpoint.class"));
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("WEB-INF/classes/dev/livegrid/standalone/")),
                "the standalone launcher stays out");
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("WEB-INF/classes/dev/livegrid/testing/")
                        || e.startsWith("WEB-INF/classes/dev/livegrid/client/")),
                "the JUnit extension and the Java client belong to livegrid-testing");
        assertFalse(entries.stream().anyMatch(e -> e.startsWith("WEB-INF/classes/webapp/")),
                "webapp/ is not copied onto the classpath in a WAR");
        assertFalse(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/(jakarta\\.(websocket|servlet)|tyrus|grizzly).*")),
                "no WebSocket or servlet runtime of our own");
    }

    /** Micrometer's Prometheus registry and what it brings ({@code /metrics}). */
    private static final List<String> METRICS = List.of("WEB-INF/lib/HdrHistogram", "WEB-INF/lib/jspecify",
            "WEB-INF/lib/micrometer-commons", "WEB-INF/lib/micrometer-core", "WEB-INF/lib/micrometer-observation",
            "WEB-INF/lib/micrometer-registry-prometheus", "WEB-INF/lib/prometheus-metrics-config",
            "WEB-INF/lib/prometheus-metrics-core", "WEB-INF/lib/prometheus-metrics-exposition-formats",
            "WEB-INF/lib/prometheus-metrics-exposition-textformats", "WEB-INF/lib/prometheus-metrics-model",
            "WEB-INF/lib/prometheus-metrics-tracer-common");

    /** The jars in WEB-INF/lib without their versions, sorted. */
    private static List<String> names(List<String> entries) {
        return libs(entries).stream().map(l -> l.replaceAll("-[0-9][^/]*\\.jar$", "")).sorted().toList();
    }

    private static List<String> libs(List<String> entries) {
        return entries.stream().filter(e -> e.startsWith("WEB-INF/lib/") && e.endsWith(".jar")).sorted().toList();
    }

    private static List<String> entries(Path war) throws IOException {
        assertTrue(Files.isRegularFile(war), "run `mvn package` first: no " + war);
        try (ZipFile zip = new ZipFile(war.toFile())) {
            return zip.stream().map(ZipEntry::getName).toList();
        }
    }
}
