package dev.livegrid.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The server answered the WebSocket handshake with an HTTP error instead of {@code 101}
 * (docs/PROTOCOL.md §1): {@code 400} bad parameters, {@code 401} not signed in or the token refused,
 * {@code 403} no role on the sheet (or a foreign origin), {@code 404} no such endpoint (a wrong base
 * URI), {@code 429} or {@code 503} too many connections or the sheet unavailable for now.
 */
public final class HandshakeRefusedException extends LiveGridException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final Duration retryAfter;

    /**
     * @param status     the HTTP status of the answer
     * @param reason     the answer's body, the server's one-line reason (possibly empty)
     * @param retryAfter its {@code Retry-After}, or null
     */
    public HandshakeRefusedException(int status, String reason, Duration retryAfter) {
        super("the server refused the WebSocket handshake with HTTP " + status + (reason.isEmpty() ? "" : ": " + reason));
        this.status = status;
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The server's one-line reason (the response body), possibly empty. */
    public String reason() {
        return reason;
    }

    /** How long the server asked to wait before trying again ({@code Retry-After}, with 429 and 503). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether trying again with the same request cannot succeed: 400, 401, 403 (as livegrid.js decides). */
    public boolean isFinal() {
        return status == 400 || status == 401 || status == 403;
    }
}
