package dev.livegrid.guard;

import dev.livegrid.endpoint.SheetParameterCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a request gets from the checks: a handshake its refusal, a plain GET of an endpoint what its handshake would get. */
class HandshakeRulesTest {

    private static final String EMOJI = "%F0%9F%98%80"; // 😀 in a query: one code point

    private final HandshakeRules rules = new HandshakeRules(List.of(
            new ProtocolCheck(), new OriginCheck(Set.of()), new SheetParameterCheck("/livegrid")));

    @Test
    void aPlainGetOfASheetUrlWithATooLongNameGetsTheHandshakesRefusal() {
        Refusal refusal = rules.answer(plainGet("/livegrid/sheets/demo", "name=" + "x".repeat(101))).orElseThrow();

        assertEquals(400, refusal.status());
        assertTrue(refusal.message().contains("'name' must be at most 100 characters"), refusal.message());
    }

    @Test
    void aPlainGetOfASheetUrlThatWouldBeAcceptedGets426() {
        Refusal answer = rules.answer(plainGet("/livegrid/sheets/demo", "name=" + EMOJI.repeat(51))).orElseThrow();

        assertEquals(426, answer.status());
        assertEquals("websocket", answer.headers().get("Upgrade"));
    }

    @Test
    void aHeadOfASheetUrlGetsWhatItsGetGets() {
        for (String query : new String[]{"name=" + "x".repeat(101), "name=Ann"}) {
            Handshake head = new Handshake("HEAD", "HTTP/1.1", "/livegrid/sheets/demo", query,
                    Map.of("Host", List.of("localhost:8080")));
            assertEquals(rules.answer(plainGet("/livegrid/sheets/demo", query)), rules.answer(head), query);
        }
    }

    @Test
    void aPlainGetFromAForeignOriginGetsTheOriginRefusal() {
        Handshake get = new Handshake("GET", "HTTP/1.1", "/livegrid/sheets/demo", "",
                Map.of("Host", List.of("localhost:8080"), "Origin", List.of("http://evil.example")));

        assertEquals(403, rules.answer(get).orElseThrow().status());
    }

    @Test
    void otherPlainRequestsArePassedOn() {
        assertEquals(Optional.empty(), rules.answer(plainGet("/livegrid/index.html", "name=" + "x".repeat(101))));
        assertEquals(Optional.empty(), rules.answer(new Handshake("POST", "HTTP/1.1", "/livegrid/sheets/demo", "",
                Map.of("Host", List.of("localhost:8080")))));
    }

    @Test
    void aHandshakeIsCheckedAsBefore() {
        Map<String, List<String>> upgrade = Map.of("Host", List.of("localhost:8080"), "Upgrade", List.of("websocket"),
                "Connection", List.of("Upgrade"), "Sec-WebSocket-Version", List.of("13"),
                "Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));

        assertEquals(Optional.empty(), rules.answer(new Handshake("GET", "HTTP/1.1", "/livegrid/sheets/demo", "", upgrade)));
        assertEquals(400, rules.answer(new Handshake("GET", "HTTP/1.1", "/livegrid/sheets/demo",
                "since=-1", upgrade)).orElseThrow().status());
        assertEquals(400, rules.answer(new Handshake("GET", "HTTP/1.1", "/livegrid/sheets/demo", "",
                Map.of("Upgrade", List.of("websocket")))).orElseThrow().status());
    }

    private static Handshake plainGet(String path, String query) {
        return new Handshake("GET", "HTTP/1.1", path, query,
                Map.of("Host", List.of("localhost:8080"), "Connection", List.of("keep-alive")));
    }
}
