package dev.livegrid.guard;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LiveGrid's handshake checks in order, which also answer a plain GET (or HEAD) of an endpoint's URL with
 * what its handshake would get (its refusal, or 426), since a browser sees a refused handshake only as close 1006.
 */
public final class HandshakeRules {

    private final List<HandshakeCheck> checks;

    public HandshakeRules(List<HandshakeCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The answer to give {@code request} instead of passing it on, or empty to pass it on. */
    public Optional<Refusal> answer(Handshake request) {
        if (request.asksForWebSocket()) {
            return firstRefusal(request);
        }
        boolean head = request.method().equals("HEAD");
        if (!(head || request.method().equals("GET")) || checks.stream().noneMatch(c -> c.guardsEndpoint(request.path()))) {
            return Optional.empty();
        }
        // A HEAD gets its GET's answer (the server sends no body).
        Handshake get = head ? new Handshake("GET", request.protocol(), request.path(), request.query(), request.headers())
                : request;
        return firstRefusal(get.asUpgrade()).or(() -> Optional.of(new Refusal(426,
                "This is a WebSocket endpoint and these parameters are valid: connect with a WebSocket.",
                Map.of("Upgrade", "websocket"))));
    }

    private Optional<Refusal> firstRefusal(Handshake handshake) {
        return checks.stream().map(c -> c.check(handshake)).flatMap(Optional::stream).findFirst();
    }
}
