package dev.livegrid.conformance;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import dev.livegrid.config.Settings;
import dev.livegrid.support.RawWebSocket.HttpResponse;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The opening handshake of RFC 6455 §4 as a raw client sees it: accept value, refusals with their status, origins. */
class HandshakeConformanceTest {

    private static final String RFC_SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String RFC_SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final String OTHER_KEY = "4NZY2fTOr691upgWe2yq7w==";
    /** base64(SHA-1("4NZY2fTOr691upgWe2yq7w==258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), computed once outside Java. */
    private static final String OTHER_ACCEPT = "oZSUaYdwmLl+K3rBKpG2QUbjJy0=";
    private static final String ALLOWED_ORIGIN = "https://allowed.example";

    private static LiveGridServer server;
    private static LiveGridServer allowListServer;
    private static int port;

    @BeforeAll
    static void startServers() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        port = server.port();
        allowListServer = LiveGridServer.start(TestSettings.loopback()
                .withAllowedOrigins(Set.of(ALLOWED_ORIGIN)));
    }

    @AfterAll
    static void stopServers() {
        if (allowListServer != null) {
            allowListServer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- successful upgrades ----

    @Test
    void acceptValueForTheRfcSampleKeyIsTheRfcValue() throws IOException {
        HttpResponse response = handshake(port, RawWebSocket.defaultRequest(port, "/echo", RFC_SAMPLE_KEY));
        assertUpgraded(response);
        assertEquals(RFC_SAMPLE_ACCEPT, response.header("Sec-WebSocket-Accept"));
        assertEquals(RFC_SAMPLE_ACCEPT, RawWebSocket.acceptFor(RFC_SAMPLE_KEY), "the test's own accept computation");
    }

    @Test
    void acceptValueIsSha1OfKeyAndGuidInBase64() throws Exception {
        String computedHere = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((OTHER_KEY + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(OTHER_ACCEPT, computedHere, "independent computation agrees with the hard-coded value");

        HttpResponse response = handshake(port, RawWebSocket.defaultRequest(port, "/echo", OTHER_KEY));
        assertUpgraded(response);
        assertEquals(OTHER_ACCEPT, response.header("Sec-WebSocket-Accept"));
        assertEquals(computedHere, response.header("Sec-WebSocket-Accept"));
    }

    @Test
    void validHandshakeGets101WithUpgradeAndConnectionHeaders() throws IOException {
        String key = RawWebSocket.randomKey();
        HttpResponse response = handshake(port, RawWebSocket.defaultRequest(port, "/echo", key));
        assertEquals(101, response.status(), response::toString);
        assertTrue(response.hasToken("Upgrade", "websocket"), () -> "Upgrade header: " + response);
        assertTrue(response.hasToken("Connection", "Upgrade"), () -> "Connection header: " + response);
        assertEquals(RawWebSocket.acceptFor(key), response.header("Sec-WebSocket-Accept"));
    }

    @Test
    void upgradedConnectionEchoesAText() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendText("hello");
            RawWebSocket.Frame reply = ws.readFrame();
            assertEquals(RawWebSocket.TEXT, reply.opcode());
            assertEquals("hello", reply.text());
        }
    }

    @Test
    void handshakeWithoutOriginIsAccepted() throws IOException {
        assertUpgraded(handshake(port, request("GET /echo HTTP/1.1", validHeadersAnd())));
    }

    @Test
    void sameHostOriginIsAccepted() throws IOException {
        assertUpgraded(handshake(port, request("GET /echo HTTP/1.1", validHeadersAnd(
                "Origin: http://127.0.0.1:" + port))));
    }

    @Test
    void originInTheAllowListIsAccepted() throws IOException {
        int otherPort = allowListServer.port();
        assertUpgraded(handshake(otherPort, RawWebSocket.defaultRequest(otherPort, "/echo", RawWebSocket.randomKey())
                .replace("\r\n\r\n", "\r\nOrigin: " + ALLOWED_ORIGIN + "\r\n\r\n")));
    }

    @Test
    void connectionHeaderListingUpgradeAmongOtherTokensIsAccepted() throws IOException {
        assertUpgraded(handshake(port, RawWebSocket.defaultRequest(port, "/echo", RawWebSocket.randomKey())
                .replace("Connection: Upgrade", "Connection: keep-alive, Upgrade")));
    }

    @Test
    void upgradeAndConnectionTokensAreCaseInsensitive() throws IOException {
        assertUpgraded(handshake(port, RawWebSocket.defaultRequest(port, "/echo", RawWebSocket.randomKey())
                .replace("Upgrade: websocket", "Upgrade: WebSocket")
                .replace("Connection: Upgrade", "Connection: upgrade")));
    }

    // ---- refusals ----

    @Test
    void missingKeyIsRefusedWith400() throws IOException {
        HttpResponse response = refusal(port, request("GET /echo HTTP/1.1",
                "Host: 127.0.0.1:" + port, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13"));
        assertRefused(response, 400, "Sec-WebSocket-Key");
    }

    @ParameterizedTest(name = "key ''{0}''")
    @ValueSource(strings = {
            "dGhlIHNhbXBsZQ==",             // 10 bytes
            "AAECAwQFBgcICQoLDA0ODxA=",     // 17 bytes, yet 24 characters
            "!!!!not*base64!!!!!!!!==",     // 24 characters, not base64
            "dGhlIHNhbXBsZSBub25jZQ"        // 16 bytes without padding
    })
    void keyThatIsNotSixteenBytesOfBase64IsRefusedWith400(String key) throws IOException {
        HttpResponse response = refusal(port, RawWebSocket.defaultRequest(port, "/echo", key));
        assertRefused(response, 400, "Sec-WebSocket-Key");
    }

    @Test
    void missingConnectionUpgradeIsRefusedWith400() throws IOException {
        HttpResponse response = refusal(port, request("GET /echo HTTP/1.1",
                "Host: 127.0.0.1:" + port, "Upgrade: websocket", "Sec-WebSocket-Key: " + RawWebSocket.randomKey(),
                "Sec-WebSocket-Version: 13"));
        assertRefused(response, 400, "Connection");
    }

    @Test
    void missingUpgradeWebsocketWithAKeyIsRefusedWith400() throws IOException {
        HttpResponse response = refusal(port, request("GET /echo HTTP/1.1",
                "Host: 127.0.0.1:" + port, "Connection: Upgrade", "Sec-WebSocket-Key: " + RawWebSocket.randomKey(),
                "Sec-WebSocket-Version: 13"));
        assertRefused(response, 400, "Upgrade");
    }

    @Test
    void http10UpgradeIsRefusedWith400() throws IOException {
        HttpResponse response = refusal(port, RawWebSocket.defaultRequest(port, "/echo", RawWebSocket.randomKey())
                .replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n"));
        assertRefused(response, 400, "HTTP/1.1");
    }

    @Test
    void unsupportedVersionIsRefusedWith426NamingVersion13() throws IOException {
        HttpResponse response = refusal(port, RawWebSocket.defaultRequest(port, "/echo", RawWebSocket.randomKey())
                .replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"));
        assertRefused(response, 426, "13");
        assertEquals("13", response.header("Sec-WebSocket-Version"));
    }

    @Test
    void postWithUpgradeHeadersIsRefusedWith405AndNotUpgraded() throws IOException {
        HttpResponse response = refusal(port, RawWebSocket.defaultRequest(port, "/echo", RawWebSocket.randomKey())
                .replaceFirst("^GET ", "POST ")
                .replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n"));
        assertRefused(response, 405, "GET");
    }

    @Test
    void aPlainGetOfASheetUrlIsAnsweredWithWhatItsHandshakeWouldGet() throws IOException {
        String host = "Host: 127.0.0.1:" + port;

        assertRefused(refusal(port, request("GET /sheets/demo?name=" + "x".repeat(101) + " HTTP/1.1", host)),
                400, "'name' must be at most 100 characters");
        HttpResponse accepted = refusal(port, request("GET /sheets/demo?name=Alice HTTP/1.1", host));
        assertEquals(426, accepted.status(), accepted::toString);
        assertTrue(accepted.hasToken("Upgrade", "websocket"), accepted::toString);
        assertEquals(200, handshake(port, request("GET /index.html HTTP/1.1", host, "Connection: close")).status(),
                "other plain requests are served as before");
    }

    @Test
    void foreignOriginIsRefusedWith403() throws IOException {
        HttpResponse response = refusal(port, request("GET /echo HTTP/1.1", validHeadersAnd(
                "Origin: http://evil.example")));
        assertRefused(response, 403, "http://evil.example");
    }

    @Test
    void originOutsideTheAllowListIsRefusedWith403OnTheAllowListServer() throws IOException {
        int otherPort = allowListServer.port();
        HttpResponse response = refusal(otherPort, RawWebSocket.defaultRequest(otherPort, "/echo",
                RawWebSocket.randomKey()).replace("\r\n\r\n", "\r\nOrigin: https://other.example\r\n\r\n"));
        assertRefused(response, 403, "https://other.example");
    }

    @ParameterizedTest(name = "/echo?{0}")
    @CsvSource(delimiter = '|', value = {
            "delay=abc                | delay",
            "delay=-5                 | delay",
            "fragment=0               | fragment",
            "unknown=1                | unknown",
            "code=1000                | code",
            "heartbeat=fast           | heartbeat",
            "closeAfter=2&code=1005   | code",
            "delay=1&delay=2          | delay"
    })
    void invalidEchoParameterIsRefusedWith400NamingIt(String query, String parameter) throws IOException {
        HttpResponse response = refusal(port, RawWebSocket.defaultRequest(port, "/echo?" + query,
                RawWebSocket.randomKey()));
        assertRefused(response, 400, "'" + parameter + "'");
    }

    /** One of each kind of refusal: the request that provokes it. */
    static Stream<Named<String>> refusedRequests() {
        String valid = RawWebSocket.defaultRequest(port, "/echo", RFC_SAMPLE_KEY);
        return Stream.of(
                Named.of("missing key", valid.replace("Sec-WebSocket-Key: " + RFC_SAMPLE_KEY + "\r\n", "")),
                Named.of("wrong version", valid.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")),
                Named.of("foreign origin", valid.replace("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n")),
                Named.of("invalid parameter", valid.replace("GET /echo ", "GET /echo?delay=abc ")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void refusalBodyIsDeclaredAsUtf8PlainText(String request) throws IOException {
        HttpResponse response = refusal(port, request);
        assertTrue(response.status() >= 400, response::toString);
        assertTrue(!response.body().isBlank(), () -> "refusal without a body: " + response);
        String contentType = response.header("Content-Type");
        assertTrue(contentType != null && contentType.toLowerCase(Locale.ROOT).replace(" ", "")
                        .equals("text/plain;charset=utf-8"),
                () -> "a refusal's body is text and should be declared 'Content-Type: text/plain;charset=utf-8': "
                        + response);
    }

    // ---- helpers ----

    private static HttpResponse handshake(int port, String requestText) throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(port)) {
            return ws.exchange(requestText);
        }
    }

    /** Sends the request, reads the answer and asserts that the server then closes the connection. */
    private static HttpResponse refusal(int port, String requestText) throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(port)) {
            HttpResponse response = ws.exchange(requestText);
            if (response.status() != 101) {
                ws.expectEof();
            }
            return response;
        }
    }

    private static void assertUpgraded(HttpResponse response) {
        assertEquals(101, response.status(), response::toString);
        assertTrue(response.hasToken("Upgrade", "websocket"), () -> "Upgrade header: " + response);
        assertTrue(response.hasToken("Connection", "Upgrade"), () -> "Connection header: " + response);
    }

    /** A refusal: the status, no upgrade, a body mentioning {@code mentioned}, and the connection closed afterwards. */
    private static void assertRefused(HttpResponse response, int status, String mentioned) {
        assertEquals(status, response.status(), response::toString);
        assertNotEquals(101, response.status());
        assertNull(response.header("Sec-WebSocket-Accept"), "a refused handshake has no accept value");
        assertTrue(response.body().contains(mentioned),
                () -> "refusal body should say what is wrong (mention " + mentioned + "): '" + response.body() + "'");
    }

    /** A valid handshake's headers for /echo on the main server, followed by {@code extra}. */
    private static String[] validHeadersAnd(String... extra) {
        String[] valid = {
                "Host: 127.0.0.1:" + port,
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: " + RawWebSocket.randomKey(),
                "Sec-WebSocket-Version: 13"
        };
        String[] all = Arrays.copyOf(valid, valid.length + extra.length);
        System.arraycopy(extra, 0, all, valid.length, extra.length);
        return all;
    }

    private static String request(String requestLine, String... headers) {
        StringBuilder text = new StringBuilder(requestLine).append("\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        return text.append("\r\n").toString();
    }
}
