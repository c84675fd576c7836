package dev.livegrid.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Embedding LiveGrid in your tests" shows code from examples/client-tests, which CI
 * builds and runs against the installed livegrid-testing; this keeps the two the same: the
 * dependency block is the example's, at this build's version, and every Java block is found, line
 * by line in order, in one of the example's sources.
 */
class EmbeddingReadmeTest {

    private static final Path EXAMPLE = Path.of("examples", "client-tests");

    @Test
    void theDependencyBlockIsTheExamplesAtThisVersion() throws IOException {
        List<String> blocks = blocksAfter("<!-- embedding-dependency:", "```xml\n");
        assertEquals(1, blocks.size(), "README.md lost its dependency block");
        String block = blocks.get(0);
        String pom = Files.readString(EXAMPLE.resolve("pom.xml"));
        assertTrue(squeezed(pom).contains(squeezed(block)), "examples/client-tests/pom.xml does not declare\n" + block);
        assertTrue(block.contains("<version>" + projectVersion() + "</version>"),
                "the README and the example must name this build's version, " + projectVersion());
    }

    @Test
    void everyJavaBlockIsTheExamplesCode() throws IOException {
        List<String> blocks = blocksAfter("<!-- embedding-example:", "```java\n");
        assertEquals(2, blocks.size(), "README.md's embedding examples");
        List<List<String>> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.add(lines(Files.readString(file)));
            }
        }
        assertFalse(sources.isEmpty());
        for (String block : blocks) {
            List<String> wanted = lines(block);
            assertTrue(sources.stream().anyMatch(source -> inOrder(wanted, source)),
                    "no source of examples/client-tests has these lines in this order:\n" + block);
        }
    }

    private static List<String> blocksAfter(String marker, String fence) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> blocks = new ArrayList<>();
        for (int at = readme.indexOf(marker); at >= 0; at = readme.indexOf(marker, at + 1)) {
            int start = readme.indexOf(fence, at) + fence.length();
            blocks.add(readme.substring(start, readme.indexOf("```", start)));
        }
        return blocks;
    }

    /** Whether every line of {@code wanted} is a whole line of {@code source}, in the same order. */
    private static boolean inOrder(List<String> wanted, List<String> source) {
        int next = 0;
        for (String line : source) {
            if (next < wanted.size() && line.equals(wanted.get(next))) {
                next++;
            }
        }
        return next == wanted.size();
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String squeezed(String text) {
        return text.replaceAll("\\s+", "");
    }

    private static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>livegrid</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(version.find(), "pom.xml's version");
        return version.group(1);
    }
}
