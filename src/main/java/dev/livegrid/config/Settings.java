package dev.livegrid.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * LiveGrid's configuration: one immutable value, read once (system property, then environment
 * variable, then default), validated here, and passed down through constructors.
 *
 * @param port            TCP port; 0 picks a free one
 * @param bind            address to listen on
 * @param pingInterval    period of the WebSocket pings sent to every session
 * @param pongTimeout     how late a pong may be before its session is closed
 * @param maxMessageSize  largest accepted message in bytes, over all of its fragments
 * @param allowedOrigins  browser origins allowed besides the server's own host ({@code *}: any)
 */
public record Settings(int port, String bind, Duration pingInterval, Duration pongTimeout,
                       long maxMessageSize, Set<String> allowedOrigins) {

    /** Smallest maximum message size: every control frame payload (125 bytes) must fit. */
    public static final long MIN_MESSAGE_SIZE = 125;
    /** Largest maximum message size: whole messages are held in memory. */
    public static final long MAX_MESSAGE_SIZE = 64L * 1024 * 1024;

    public Settings {
        if (port < 0 || port > 65535) {
            throw new InvalidSettingException(Setting.PORT, String.valueOf(port), "a port number from 0 to 65535");
        }
        requireResolvable(bind);
        requirePositive(Setting.PING_INTERVAL, pingInterval);
        requirePositive(Setting.PONG_TIMEOUT, pongTimeout);
        if (maxMessageSize < MIN_MESSAGE_SIZE || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new InvalidSettingException(Setting.MAX_MESSAGE_SIZE, String.valueOf(maxMessageSize),
                    "between " + MIN_MESSAGE_SIZE + " bytes and 64MiB");
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** Every setting at its default. */
    public static Settings defaults() {
        return from(Map.of(), Map.of());
    }

    /** The settings of this process: system properties, then environment variables, then defaults. */
    public static Settings fromEnvironment() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, String> properties = (Map) System.getProperties();
        return from(properties, System.getenv());
    }

    /** Reads every setting from the given property and environment maps (properties win). */
    public static Settings from(Map<String, String> properties, Map<String, String> environment) {
        SettingSource source = new SettingSource(properties, environment);
        return new Settings(
                SettingValues.port(Setting.PORT, source.text(Setting.PORT)),
                source.text(Setting.BIND).trim(),
                SettingValues.duration(Setting.PING_INTERVAL, source.text(Setting.PING_INTERVAL)),
                SettingValues.duration(Setting.PONG_TIMEOUT, source.text(Setting.PONG_TIMEOUT)),
                SettingValues.size(Setting.MAX_MESSAGE_SIZE, source.text(Setting.MAX_MESSAGE_SIZE),
                        MIN_MESSAGE_SIZE, MAX_MESSAGE_SIZE),
                SettingValues.origins(Setting.ALLOWED_ORIGINS, source.text(Setting.ALLOWED_ORIGINS)));
    }

    public Settings withPort(int newPort) {
        return new Settings(newPort, bind, pingInterval, pongTimeout, maxMessageSize, allowedOrigins);
    }

    public Settings withBind(String newBind) {
        return new Settings(port, newBind, pingInterval, pongTimeout, maxMessageSize, allowedOrigins);
    }

    public Settings withHeartbeat(Duration newPingInterval, Duration newPongTimeout) {
        return new Settings(port, bind, newPingInterval, newPongTimeout, maxMessageSize, allowedOrigins);
    }

    public Settings withMaxMessageSize(long newMaxMessageSize) {
        return new Settings(port, bind, pingInterval, pongTimeout, newMaxMessageSize, allowedOrigins);
    }

    public Settings withAllowedOrigins(Set<String> newAllowedOrigins) {
        return new Settings(port, bind, pingInterval, pongTimeout, maxMessageSize, newAllowedOrigins);
    }

    /** One line for the start-up log. */
    public String describe() {
        return "port=" + port + " bind=" + bind + " ping-interval=" + pingInterval + " pong-timeout=" + pongTimeout
                + " max-message-size=" + maxMessageSize + " allowed-origins=" + allowedOrigins;
    }

    private static void requirePositive(Setting setting, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidSettingException(setting, String.valueOf(value), "a positive duration");
        }
    }

    private static void requireResolvable(String bind) {
        if (bind == null || bind.isBlank()) {
            throw new InvalidSettingException(Setting.BIND, String.valueOf(bind), "an IP address or host name");
        }
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException(Setting.BIND, bind, "an IP address or a host name this machine resolves");
        }
    }
}
