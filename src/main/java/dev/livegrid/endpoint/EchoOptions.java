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
 * @param size        every reply is exactly this many bytes (cut, or padded); -1 for the message as it came
 * @param ping        period of the server's pings, each of which the client must answer before the next,
 *                    or null for none
 * @param faults      what is done to the connection below the WebSocket API
 */
public record EchoOptions(Duration heartbeat, Duration delay, int closeAfter, int closeCode, String closeReason,
                          int fragment, int size, Duration ping, ConnectionFaults faults) {

    public static final EchoOptions NONE = new EchoOptions(null, Duration.ZERO, 0, 1000, "", 0, -1, null,
            ConnectionFaults.NONE);

    /**
     * The misbehaviour only a runtime that hands /echo its raw connection can show (the standalone
     * server; {@link RawConnection}).
     *
     * @param dropAfter  cut the TCP connection, with no close frame, after the reply to this many messages; 0 for never
     * @param stall      stop reading from the connection for this long, or null for never
     * @param stallAfter ... once this many messages have been received
     * @param noPong     leave the client's pings unanswered
     * @param rawCode    the code of the {@code closeAfter} close frame whatever it is (0-65535), or -1
     * @param badReason  the {@code closeAfter} close frame's reason ends in bytes that are not UTF-8
     */
    public record ConnectionFaults(int dropAfter, Duration stall, int stallAfter, boolean noPong, int rawCode,
                                   boolean badReason) {

        public static final ConnectionFaults NONE = new ConnectionFaults(0, null, 0, false, -1, false);

        /** Whether the close at {@code closeAfter} is a frame written as is rather than the WebSocket API's close. */
        public boolean rawClose() {
            return rawCode >= 0 || badReason;
        }
    }

    /** The parameters that need the raw connection. */
    static final Set<String> RAW = Set.of("dropAfter", "stall", "stallAfter", "noPong", "rawCode", "badReason");
    private static final Set<String> NAMES = Set.of("heartbeat", "delay", "closeAfter", "code", "reason", "fragment",
            "size", "ping", "dropAfter", "stall", "stallAfter", "noPong", "rawCode", "badReason");
    private static final long MAX_DELAY_MS = 60_000;
    private static final double MIN_HEARTBEAT_S = 0.05;
    private static final double MAX_HEARTBEAT_S = 3600;

    /**
     * Reads the options from the handshake's query parameters.
     *
     * @param rawConnections whether this runtime gives /echo its connections' raw bytes (standalone: yes)
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static EchoOptions parse(Map<String, List<String>> parameters, long maxMessageSize, boolean rawConnections) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (!NAMES.contains(p.getKey())) {
                throw new IllegalArgumentException("Unknown parameter '" + p.getKey() + "'; /echo takes heartbeat,"
                        + " delay, closeAfter, code, reason, fragment, size, ping, dropAfter, stall, stallAfter, noPong,"
                        + " rawCode and badReason.");
            }
            if (p.getValue().size() > 1) {
                throw new IllegalArgumentException("Parameter '" + p.getKey() + "' is given more than once.");
            }
            if (!rawConnections && RAW.contains(p.getKey())) {
                throw new IllegalArgumentException("Parameter '" + p.getKey() + "' needs the standalone server:"
                        + " inside an application server, /echo has no access to the connection below the WebSocket API.");
            }
        }
        Duration heartbeat = period(parameters, "heartbeat");
        long delayMs = integer(parameters, "delay", 0, 0, MAX_DELAY_MS, "milliseconds from 0 to 60000");
        int closeAfter = (int) integer(parameters, "closeAfter", 0, 1, 1_000_000, "a message count from 1 to 1000000");
        if (closeAfter == 0 && (parameters.containsKey("code") || parameters.containsKey("reason"))) {
            throw new IllegalArgumentException("Parameters 'code' and 'reason' need 'closeAfter'.");
        }
        int code = closeCode(parameters);
        String reason = reason(parameters);
        int fragment = (int) integer(parameters, "fragment", 0, 1, maxMessageSize,
                "a fragment size in bytes from 1 to " + maxMessageSize);
        int size = (int) integer(parameters, "size", -1, 0, maxMessageSize, "a reply size in bytes from 0 to " + maxMessageSize);
        Duration ping = period(parameters, "ping");
        return new EchoOptions(heartbeat, Duration.ofMillis(delayMs), closeAfter, code, reason, fragment, size, ping,
                faults(parameters, closeAfter));
    }

    private static ConnectionFaults faults(Map<String, List<String>> parameters, int closeAfter) {
        int dropAfter = (int) integer(parameters, "dropAfter", 0, 1, 1_000_000, "a message count from 1 to 1000000");
        if (dropAfter > 0 && closeAfter > 0) {
            throw new IllegalArgumentException("Parameter 'dropAfter' cannot be combined with 'closeAfter': the"
                    + " connection ends one way or the other.");
        }
        long stallMs = integer(parameters, "stall", 0, 1, MAX_DELAY_MS, "milliseconds from 1 to 60000");
        int stallAfter = (int) integer(parameters, "stallAfter", 1, 1, 1_000_000, "a message count from 1 to 1000000");
        if (stallMs == 0 && parameters.containsKey("stallAfter")) {
            throw new IllegalArgumentException("Parameter 'stallAfter' needs 'stall'.");
        }
        boolean noPong = flag(parameters, "noPong");
        int rawCode = (int) integer(parameters, "rawCode", -1, 0, 65535, "a number from 0 to 65535");
        boolean badReason = flag(parameters, "badReason");
        if ((rawCode >= 0 || badReason) && closeAfter == 0) {
            throw new IllegalArgumentException("Parameter '" + (rawCode >= 0 ? "rawCode" : "badReason") + "' needs 'closeAfter'.");
        }
        if (rawCode >= 0 && parameters.containsKey("code")) {
            throw new IllegalArgumentException("Parameter 'rawCode' replaces 'code': give one of them.");
        }
        return new ConnectionFaults(dropAfter, stallMs == 0 ? null : Duration.ofMillis(stallMs), stallMs == 0 ? 0 : stallAfter,
                noPong, rawCode, badReason);
    }

    private static boolean flag(Map<String, List<String>> parameters, String name) {
        String text = value(parameters, name);
        if (text == null) {
            return false;
        }
        if (!text.equals("true")) {
            throw new IllegalArgumentException("Parameter '" + name + "' takes only the value 'true', not '" + text + "'.");
        }
        return true;
    }

    /** A period in seconds, 0.05-3600, decimals allowed; null when absent. */
    private static Duration period(Map<String, List<String>> parameters, String name) {
        String text = value(parameters, name);
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
        throw new IllegalArgumentException("Parameter '" + name + "' must be a period in seconds from 0.05 to 3600"
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
