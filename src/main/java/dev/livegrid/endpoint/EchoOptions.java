package dev.livegrid.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The misbehaviour a client asks of {@code /echo} with connect-time query parameters. Any invalid or
 * unknown parameter is an error (the handshake is refused with 400), never silently ignored.
 *
 * @param heartbeat   period of the server's text heartbeat message, or null for none
 * @param delay       how long each reply is held back
 * @param closeAfter  close after echoing this many messages; 0 for never
 * @param closeCode   code of that close
 * @param closeReason reason of that close
 * @param fragment    send replies as fragments of at most this many bytes; 0 for whole messages
 */
public record EchoOptions(Duration heartbeat, Duration delay, int closeAfter, int closeCode, String closeReason,
                          int fragment) {

    public static final EchoOptions NONE = new EchoOptions(null, Duration.ZERO, 0, 1000, "", 0);

    private static final Set<String> NAMES = Set.of("heartbeat", "delay", "closeAfter", "code", "reason", "fragment");
    private static final long MAX_DELAY_MS = 60_000;
    private static final double MIN_HEARTBEAT_S = 0.05;
    private static final double MAX_HEARTBEAT_S = 3600;

    /**
     * Reads the options from the handshake's query parameters.
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static EchoOptions parse(Map<String, List<String>> parameters, long maxMessageSize) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (!NAMES.contains(p.getKey())) {
                throw new IllegalArgumentException("Unknown parameter '" + p.getKey()
                        + "'; /echo takes heartbeat, delay, closeAfter, code, reason and fragment.");
            }
            if (p.getValue().size() > 1) {
                throw new IllegalArgumentException("Parameter '" + p.getKey() + "' is given more than once.");
            }
        }
        Duration heartbeat = heartbeat(parameters);
        long delayMs = integer(parameters, "delay", 0, 0, MAX_DELAY_MS, "milliseconds from 0 to 60000");
        int closeAfter = (int) integer(parameters, "closeAfter", 0, 1, 1_000_000, "a message count from 1 to 1000000");
        if (closeAfter == 0 && (parameters.containsKey("code") || parameters.containsKey("reason"))) {
            throw new IllegalArgumentException("Parameters 'code' and 'reason' need 'closeAfter'.");
        }
        int code = closeCode(parameters);
        String reason = reason(parameters);
        int fragment = (int) integer(parameters, "fragment", 0, 1, maxMessageSize,
                "a fragment size in bytes from 1 to " + maxMessageSize);
        return new EchoOptions(heartbeat, Duration.ofMillis(delayMs), closeAfter, code, reason, fragment);
    }

    private static Duration heartbeat(Map<String, List<String>> parameters) {
        String text = value(parameters, "heartbeat");
        if (text == null) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(text);
            if (seconds >= MIN_HEARTBEAT_S && seconds <= MAX_HEARTBEAT_S && text.matches("\\d+(\\.\\d+)?")) {
                return Duration.ofNanos(Math.round(seconds * 1e9));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("Parameter 'heartbeat' must be a period in seconds from 0.05 to 3600"
                + " (decimals allowed), not '" + text + "'.");
    }

    /** Close codes a server may send: 1000-1003, 1007-1014 and the application range 3000-4999. */
    private static int closeCode(Map<String, List<String>> parameters) {
        int code = (int) integer(parameters, "code", 1000, 1000, 4999, "a close code");
        boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || code >= 3000;
        if (!sendable) {
            throw new IllegalArgumentException("Parameter 'code' must be a close code that may be sent:"
                    + " 1000-1003, 1007-1014 or 3000-4999, not " + code + ".");
        }
        return code;
    }

    private static String reason(Map<String, List<String>> parameters) {
        String reason = value(parameters, "reason");
        if (reason == null) {
            return "";
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("Parameter 'reason' must be at most 123 bytes of UTF-8.");
        }
        return reason;
    }

    private static long integer(Map<String, List<String>> parameters, String name, long absent, long min, long max,
                                String what) {
        String text = value(parameters, name);
        if (text == null) {
            return absent;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max && text.matches("\\d+")) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("Parameter '" + name + "' must be " + what + ", not '" + text + "'.");
    }

    private static String value(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
