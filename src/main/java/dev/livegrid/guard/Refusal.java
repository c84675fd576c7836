package dev.livegrid.guard;

import java.util.Map;

/**
 * A handshake answered with an HTTP error instead of an upgrade.
 *
 * @param status  HTTP status, e.g. 400
 * @param message one line for the plain-text body, saying what was wrong and what is expected
 * @param headers extra response headers, e.g. {@code Sec-WebSocket-Version: 13} with a 426
 */
public record Refusal(int status, String message, Map<String, String> headers) {

    public Refusal {
        headers = Map.copyOf(headers);
    }

    public static Refusal of(int status, String message) {
        return new Refusal(status, message, Map.of());
    }

    /** The standard reason phrase of the status line. */
    public String reasonPhrase() {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Refused";
        };
    }
}
