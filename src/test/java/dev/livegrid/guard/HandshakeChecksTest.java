package dev.livegrid.guard;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake rules and the Origin policy, without a server. */
class HandshakeChecksTest {

    private final ProtocolCheck protocol = new ProtocolCheck();
    private final OriginCheck sameHostOnly = new OriginCheck(Set.of());

    @Test
    void validHandshakePasses() {
        assertEquals(Optional.empty(), protocol.check(valid().build()));
    }

    @Test
    void headerNamesAndTokensAreCaseInsensitive() {
        Handshake h = new Builder().header("upgrade", "WebSocket").header("connection", "keep-alive, Upgrade")
                .header("sec-websocket-version", "13").header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==").build();
        assertEquals(Optional.empty(), protocol.check(h));
    }

    @Test
    void nonGetIsRefusedWith405() {
        Refusal r = protocol.check(valid().method("POST").build()).orElseThrow();
        assertEquals(405, r.status());
        assertEquals("GET", r.headers().get("Allow"));
    }

    @Test
    void wrongVersionIsRefusedWith426NamingVersion13() {
        Refusal r = protocol.check(valid().header("Sec-WebSocket-Version", "8").build()).orElseThrow();
        assertEquals(426, r.status());
        assertEquals("13", r.headers().get("Sec-WebSocket-Version"));
    }

    @Test
    void malformedUpgradesAreRefusedWith400() {
        List<Handshake> malformed = List.of(
                valid().without("Sec-WebSocket-Key").build(),
                valid().header("Sec-WebSocket-Key", "c2hvcnQ=").build(),
                valid().header("Sec-WebSocket-Key", "not base64 at all!!!!!!!").build(),
                valid().without("Connection").build(),
                valid().header("Connection", "keep-alive").build(),
                valid().without("Upgrade").build(),
                valid().without("Sec-WebSocket-Version").build(),
                valid().protocol("HTTP/1.0").build());
        for (Handshake h : malformed) {
            Refusal r = protocol.check(h).orElseThrow(() -> new AssertionError("accepted: " + h));
            assertEquals(400, r.status(), h.toString());
        }
    }

    @Test
    void originOfTheSameHostIsAllowed() {
        assertTrue(sameHostOnly.allows("http://localhost:8080", "localhost:8080"));
        assertTrue(sameHostOnly.allows("https://Grid.Example.com", "grid.example.com"));
    }

    @Test
    void foreignOriginIsRefusedWith403() {
        Handshake h = valid().header("Origin", "http://evil.example").build();
        assertEquals(403, sameHostOnly.check(h).orElseThrow().status());
        assertTrue(!sameHostOnly.allows("http://localhost:8081", "localhost:8080"), "another port is another origin");
        assertTrue(!sameHostOnly.allows("null", "localhost:8080"), "an opaque origin is foreign");
    }

    @Test
    void missingOriginIsAllowedForNonBrowserClients() {
        assertEquals(Optional.empty(), sameHostOnly.check(valid().build()));
    }

    @Test
    void allowListAndWildcardAdmitOtherOrigins() {
        OriginCheck listed = new OriginCheck(Set.of("https://allowed.example"));
        assertTrue(listed.allows("https://ALLOWED.example", "localhost:8080"));
        assertTrue(!listed.allows("https://other.example", "localhost:8080"));
        assertTrue(new OriginCheck(Set.of("*")).allows("https://anything.example", "localhost:8080"));
    }

    @Test
    void queryParametersAreDecoded() {
        Handshake h = new Handshake("GET", "HTTP/1.1", "/echo", "reason=good%20bye&code=4000&flag", Map.of());
        assertEquals(Map.of("reason", List.of("good bye"), "code", List.of("4000"), "flag", List.of("")),
                h.parameters());
    }

    @Test
    void malformedPercentEscapeInTheQueryIsAnError() {
        Handshake h = new Handshake("GET", "HTTP/1.1", "/echo", "delay=%zz", Map.of());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                h::parameters);
        assertTrue(e.getMessage().contains("malformed percent escape"), e.getMessage());
    }

    private static Builder valid() {
        return new Builder().header("Host", "localhost:8080").header("Upgrade", "websocket")
                .header("Connection", "Upgrade").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    }

    /** A handshake to tweak one header at a time. */
    private static final class Builder {
        private String method = "GET";
        private String protocol = "HTTP/1.1";
        private final Map<String, List<String>> headers = new LinkedHashMap<>();

        Builder method(String value) {
            method = value;
            return this;
        }

        Builder protocol(String value) {
            protocol = value;
            return this;
        }

        Builder header(String name, String value) {
            headers.put(name, List.of(value));
            return this;
        }

        Builder without(String name) {
            headers.remove(name);
            return this;
        }

        Handshake build() {
            return new Handshake(method, protocol, "/echo", "", headers);
        }
    }
}
