package dev.livegrid.client;

import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static dev.livegrid.client.LiveGridClientTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example of docs/JAVA-CLIENT.md, as written: compiled against the client and run against a real
 * server (its {@code ws://localhost:8080} replaced by the server's address). It must leave the cell it
 * edits as it says.
 */
@Timeout(60)
class JavaClientDocExampleTest {

    private static final String MARKER = "<!-- java-client-example: JavaClientDocExampleTest compiles and runs this block -->";

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleCompilesAndDoesWhatItSays() throws Exception {
        String doc = Files.readString(Path.of("docs/JAVA-CLIENT.md"));
        int marker = doc.indexOf(MARKER);
        assertTrue(marker >= 0, "docs/JAVA-CLIENT.md lost its example marker");
        int start = doc.indexOf("```java\n", marker) + "```java\n".length();
        List<String> lines = doc.substring(start, doc.indexOf("```", start)).lines().toList();

        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            String address = "ws://127.0.0.1:" + server.port();
            Path source = dir.resolve("Example.java");
            Files.writeString(source, lines.stream().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"))
                    + "\npublic class Example {\n    public static void main(String[] args) throws Exception {\n"
                    + lines.stream().filter(l -> !l.startsWith("import ")).map(l -> l.replace("ws://localhost:8080", address))
                            .collect(Collectors.joining("\n"))
                    + "\n    }\n}\n");
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"),
                    "-d", dir.toString(), source.toString());
            assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));

            String printed = runPrinting(dir);

            assertTrue(printed.contains("Ada Lovelace"), printed);
            try (LiveGridClient reader = LiveGridClient.builder(server.baseUri(), "team").build()) {
                Table team = await(reader.connect());
                assertEquals("Ada Lovelace", team.value(team.rowIds().get(0), team.columnIds().get(0)));
                assertEquals(3, await(reader.awaitVersion(3, Duration.ofSeconds(5))).version());
            }
        }
    }

    /** Runs {@code Example.main} from {@code classes}, returning what it printed. */
    private static String runPrinting(Path classes) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                JavaClientDocExampleTest.class.getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass("Example").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(out);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
