package dev.livegrid.guard;

import java.util.Optional;

/** One rule a WebSocket opening handshake must pass before the WebSocket runtime sees it. */
@FunctionalInterface
public interface HandshakeCheck {

    /** Empty when the handshake may proceed, else the HTTP error to answer with. */
    Optional<Refusal> check(Handshake handshake);

    /** Whether {@code path} is the WebSocket endpoint this check is about; a plain GET of it is answered too. */
    default boolean guardsEndpoint(String path) {
        return false;
    }
}
