package dev.livegrid.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The response header policy, and the shipped pages checked against it without a browser. */
class SecurityHeadersTest {

    private static final Path WEBAPP = Path.of("webapp");

    @Test
    void everyAnswerGetsThePolicyNosniffAndNoReferrer() {
        Map<String, String> headers = new SecurityHeaders("'none'").forHost("grid.example.com:8080");
        assertEquals(List.of("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"),
                List.copyOf(headers.keySet()));
        assertEquals("default-src 'self'; script-src 'self'; style-src 'self';"
                + " connect-src 'self' ws://grid.example.com:8080 wss://grid.example.com:8080;"
                + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                headers.get("Content-Security-Policy"));
        assertEquals("nosniff", headers.get("X-Content-Type-Options"));
        assertEquals("no-referrer", headers.get("Referrer-Policy"));
    }

    @Test
    void frameAncestorsComeFromTheSetting() {
        assertTrue(new SecurityHeaders("'self' https://portal.example.com").policy("a")
                .endsWith("; frame-ancestors 'self' https://portal.example.com"));
    }

    @Test
    void theSocketsOriginIsTheHostsWithAndWithoutTls() {
        SecurityHeaders headers = new SecurityHeaders("'none'");
        assertTrue(headers.policy("localhost").contains("connect-src 'self' ws://localhost wss://localhost;"));
        assertTrue(headers.policy("[::1]:8080").contains("connect-src 'self' ws://[::1]:8080 wss://[::1]:8080;"));
    }

    /** Host comes from the client; a value that is not a host and port must not reach the header. */
    @Test
    void aHostThatIsNotAHostAndPortIsLeftOut() {
        SecurityHeaders headers = new SecurityHeaders("'none'");
        for (String host : new String[]{null, "", "a.example; script-src *", "a.example, b", "a.example b.example",
                "a.example\r\nSet-Cookie: x=1", "user@a.example", "a.example/path", "a.example:port", "*"}) {
            String policy = headers.policy(host);
            assertTrue(policy.contains("connect-src 'self'; object-src"), host + " -> " + policy);
            assertEquals(7, policy.chars().filter(c -> c == ';').count(), host + " -> " + policy);
        }
    }

    // ---- the shipped pages work under the policy

    /** No inline script, no event handler attributes, no inline style: the policy refuses all three. */
    @Test
    void theShippedPagesHaveNothingInlineThatThePolicyRefuses() throws IOException {
        for (Path page : files(".html")) {
            String html = Files.readString(page);
            Matcher scripts = Pattern.compile("<script\\b[^>]*>").matcher(html);
            while (scripts.find()) {
                assertTrue(scripts.group().contains(" src="), page + ": an inline script " + scripts.group());
            }
            assertFalse(Pattern.compile("(?i)<[^>]*\\son[a-z]+\\s*=").matcher(html).find(), page + ": an on… handler");
            assertFalse(Pattern.compile("(?i)<[^>]*\\sstyle\\s*=").matcher(html).find(), page + ": a style attribute");
            assertFalse(Pattern.compile("(?i)<style\\b").matcher(html).find(), page + ": a <style> element");
            assertFalse(html.contains("javascript:"), page + ": a javascript: URL");
        }
        for (Path script : files(".js")) {
            String js = Files.readString(script);
            for (String refused : new String[]{"eval(", "new Function(", "innerHTML", "setAttribute('style'",
                    "setAttribute(\"style\"", ".cssText", "setAttribute('on"}) {
                assertFalse(js.contains(refused), script + " uses " + refused);
            }
        }
    }

    /**
     * Servers that serve the pages (Tomcat in the WAR) may convert them from the platform's charset to the
     * UTF-8 the response declares; ASCII pages come out the same whatever that charset is.
     */
    @Test
    void theShippedPagesAreAscii() throws IOException {
        for (Path page : files(".html")) {
            byte[] bytes = Files.readAllBytes(page);
            for (int i = 0; i < bytes.length; i++) {
                assertTrue(bytes[i] >= 0, page + ": a non-ASCII byte at " + i + "; write it as an entity, e.g. &middot;");
            }
            assertTrue(new String(bytes, StandardCharsets.US_ASCII).contains("<meta charset=\"utf-8\">"), page.toString());
        }
    }

    private static List<Path> files(String extension) throws IOException {
        try (Stream<Path> files = Files.walk(WEBAPP)) {
            List<Path> found = files.filter(f -> f.toString().endsWith(extension)).sorted().toList();
            assertFalse(found.isEmpty(), "no " + extension + " under " + WEBAPP.toAbsolutePath());
            return found;
        }
    }
}
