package dev.livegrid.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * LiveGrid's configuration: one immutable value, read once (system property, then environment
 * variable, then default), validated here, and passed down through constructors. {@link Setting}
 * lists every setting with its default and meaning.
 */
public record Settings(int port, String bind, Duration pingInterval, Duration pongTimeout, long maxMessageSize,
                       Set<String> allowedOrigins, boolean createSheets, String legacySheet, int maxRows,
                       int maxColumns, int maxValueLength, int opWindow, int opRate, long outboxLimit,
                       String dataDir, String dataSource, long maxSheetSize, Duration idleSheetTimeout,
                       Duration closeGrace, AuthSettings auth, String frameAncestors, int maxConnections,
                       int maxConnectionsPerAddress, Duration headerTimeout, Duration httpIdleTimeout,
                       JdbcSettings jdbc) {

    /** The {@code data-dir} value that keeps sheets in memory only. */
    public static final String IN_MEMORY = "memory";

    /** Smallest maximum message size: every control frame payload (125 bytes) must fit. */
    public static final long MIN_MESSAGE_SIZE = 125;
    /** Largest maximum message size: whole messages are held in memory. */
    public static final long MAX_MESSAGE_SIZE = 64L * 1024 * 1024;
    /** The {@code max-sheet-size} value derived from the heap. */
    public static final String AUTO = "auto";
    /** Bounds of {@code max-sheet-size}: a welcome holds a whole sheet in memory, once per joiner. */
    public static final long MIN_SHEET_SIZE = 64L * 1024;
    public static final long MAX_SHEET_SIZE = 1024L * 1024 * 1024;

    public Settings {
        if (port < 0 || port > 65535) {
            throw new InvalidSettingException(Setting.PORT, String.valueOf(port), "a port number from 0 to 65535");
        }
        if (!AUTO.equals(bind)) {
            requireResolvable(bind);
        }
        requirePositive(Setting.PING_INTERVAL, pingInterval);
        requirePositive(Setting.PONG_TIMEOUT, pongTimeout);
        if (maxMessageSize < MIN_MESSAGE_SIZE || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new InvalidSettingException(Setting.MAX_MESSAGE_SIZE, String.valueOf(maxMessageSize),
                    "between " + MIN_MESSAGE_SIZE + " bytes and 64MiB");
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
        requirePositive(Setting.MAX_ROWS, maxRows);
        requirePositive(Setting.MAX_COLUMNS, maxColumns);
        requirePositive(Setting.MAX_VALUE_LENGTH, maxValueLength);
        requirePositive(Setting.OP_WINDOW, opWindow);
        requirePositive(Setting.OP_RATE, opRate);
        if (outboxLimit < 1024) {
            throw new InvalidSettingException(Setting.OUTBOX_LIMIT, String.valueOf(outboxLimit), "at least 1KiB");
        }
        if (dataDir == null || dataDir.isBlank()) {
            throw new InvalidSettingException(Setting.DATA_DIR, String.valueOf(dataDir), "a directory, or memory");
        }
        dataSource = dataSource == null ? "" : dataSource.trim();
        if (maxSheetSize < MIN_SHEET_SIZE || maxSheetSize > MAX_SHEET_SIZE) {
            throw new InvalidSettingException(Setting.MAX_SHEET_SIZE, String.valueOf(maxSheetSize),
                    "auto, or from 64KiB to 1024MiB");
        }
        requirePositive(Setting.IDLE_SHEET_TIMEOUT, idleSheetTimeout);
        requirePositive(Setting.CLOSE_GRACE, closeGrace);
        frameAncestors = SettingValues.frameAncestors(Setting.FRAME_ANCESTORS, String.valueOf(frameAncestors));
        requirePositive(Setting.MAX_CONNECTIONS, maxConnections);
        requirePositive(Setting.MAX_CONNECTIONS_PER_ADDRESS, maxConnectionsPerAddress);
        requirePositive(Setting.HEADER_TIMEOUT, headerTimeout);
        requirePositive(Setting.HTTP_IDLE_TIMEOUT, httpIdleTimeout);
    }

    /**
     * The default sheet size limit: 1/32 of the heap this JVM may use, from 1MiB to 64MiB. A welcome or
     * a snapshot is built whole in memory, a few copies at a time, so a sheet must stay a small part
     * of the heap (a 160 MB heap allows 5 MB sheets; 2 GB or more allows 64 MB).
     */
    public static long autoSheetSize() {
        long heap = Runtime.getRuntime().maxMemory();
        return Math.max(1024L * 1024, Math.min(64L * 1024 * 1024, heap / 32));
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
        return from(properties, environment, Map.of());
    }

    /**
     * Reads every setting from system properties, then environment variables, then the deployment's
     * own values (servlet context parameters named like the properties, e.g. {@code livegrid.op-rate}).
     */
    public static Settings from(Map<String, String> properties, Map<String, String> environment,
                                Map<String, String> deployment) {
        SettingSource source = new SettingSource(properties, environment, deployment);
        return new Settings(
                SettingValues.port(Setting.PORT, source.text(Setting.PORT)),
                source.text(Setting.BIND).trim(),
                SettingValues.duration(Setting.PING_INTERVAL, source.text(Setting.PING_INTERVAL)),
                SettingValues.duration(Setting.PONG_TIMEOUT, source.text(Setting.PONG_TIMEOUT)),
                SettingValues.size(Setting.MAX_MESSAGE_SIZE, source.text(Setting.MAX_MESSAGE_SIZE),
                        MIN_MESSAGE_SIZE, MAX_MESSAGE_SIZE),
                SettingValues.origins(Setting.ALLOWED_ORIGINS, source.text(Setting.ALLOWED_ORIGINS)),
                SettingValues.bool(Setting.CREATE_SHEETS, source.text(Setting.CREATE_SHEETS)),
                SettingValues.id(Setting.LEGACY_SHEET, source.text(Setting.LEGACY_SHEET)),
                SettingValues.positive(Setting.MAX_ROWS, source.text(Setting.MAX_ROWS), 1_000_000),
                SettingValues.positive(Setting.MAX_COLUMNS, source.text(Setting.MAX_COLUMNS), 10_000),
                SettingValues.positive(Setting.MAX_VALUE_LENGTH, source.text(Setting.MAX_VALUE_LENGTH), 1_000_000),
                SettingValues.positive(Setting.OP_WINDOW, source.text(Setting.OP_WINDOW), 1_000_000),
                SettingValues.positive(Setting.OP_RATE, source.text(Setting.OP_RATE), 1_000_000),
                SettingValues.size(Setting.OUTBOX_LIMIT, source.text(Setting.OUTBOX_LIMIT), 1024, MAX_MESSAGE_SIZE),
                source.text(Setting.DATA_DIR).trim(),
                source.text(Setting.DATA_SOURCE).trim(),
                sheetSize(source.text(Setting.MAX_SHEET_SIZE)),
                SettingValues.duration(Setting.IDLE_SHEET_TIMEOUT, source.text(Setting.IDLE_SHEET_TIMEOUT)),
                SettingValues.duration(Setting.CLOSE_GRACE, source.text(Setting.CLOSE_GRACE)),
                new AuthSettings(AuthSettings.mode(source.text(Setting.AUTH)), source.text(Setting.TOKEN_SECRET),
                        source.text(Setting.TOKEN_PUBLIC_KEY), source.text(Setting.TOKEN_ISSUER),
                        source.text(Setting.TOKEN_AUDIENCE), source.text(Setting.OPERATOR_TOKEN)),
                source.text(Setting.FRAME_ANCESTORS),
                SettingValues.positive(Setting.MAX_CONNECTIONS, source.text(Setting.MAX_CONNECTIONS), 1_000_000),
                SettingValues.positive(Setting.MAX_CONNECTIONS_PER_ADDRESS,
                        source.text(Setting.MAX_CONNECTIONS_PER_ADDRESS), 1_000_000),
                SettingValues.duration(Setting.HEADER_TIMEOUT, source.text(Setting.HEADER_TIMEOUT)),
                SettingValues.duration(Setting.HTTP_IDLE_TIMEOUT, source.text(Setting.HTTP_IDLE_TIMEOUT)),
                JdbcSettings.of(source.text(Setting.JDBC_URL), source.text(Setting.JDBC_USER),
                        source.text(Setting.JDBC_PASSWORD), source.text(Setting.JDBC_PASSWORD_FILE)));
    }

    private static long sheetSize(String text) {
        return AUTO.equals(text.trim()) ? autoSheetSize()
                : SettingValues.size(Setting.MAX_SHEET_SIZE, text, MIN_SHEET_SIZE, MAX_SHEET_SIZE);
    }

    /**
     * These settings with some replaced by text, exactly as if given as system properties, e.g.
     * {@code settings.with(Map.of(Setting.PORT, "0", Setting.OP_RATE, "5"))}.
     */
    public Settings with(Map<Setting, String> changes) {
        Map<String, String> properties = new java.util.HashMap<>();
        changes.forEach((setting, text) -> properties.put(setting.property(), text));
        Settings changed = from(properties, Map.of());
        return new Settings(
                pick(changes, Setting.PORT, changed.port, port),
                pick(changes, Setting.BIND, changed.bind, bind),
                pick(changes, Setting.PING_INTERVAL, changed.pingInterval, pingInterval),
                pick(changes, Setting.PONG_TIMEOUT, changed.pongTimeout, pongTimeout),
                pick(changes, Setting.MAX_MESSAGE_SIZE, changed.maxMessageSize, maxMessageSize),
                pick(changes, Setting.ALLOWED_ORIGINS, changed.allowedOrigins, allowedOrigins),
                pick(changes, Setting.CREATE_SHEETS, changed.createSheets, createSheets),
                pick(changes, Setting.LEGACY_SHEET, changed.legacySheet, legacySheet),
                pick(changes, Setting.MAX_ROWS, changed.maxRows, maxRows),
                pick(changes, Setting.MAX_COLUMNS, changed.maxColumns, maxColumns),
                pick(changes, Setting.MAX_VALUE_LENGTH, changed.maxValueLength, maxValueLength),
                pick(changes, Setting.OP_WINDOW, changed.opWindow, opWindow),
                pick(changes, Setting.OP_RATE, changed.opRate, opRate),
                pick(changes, Setting.OUTBOX_LIMIT, changed.outboxLimit, outboxLimit),
                pick(changes, Setting.DATA_DIR, changed.dataDir, dataDir),
                pick(changes, Setting.DATA_SOURCE, changed.dataSource, dataSource),
                pick(changes, Setting.MAX_SHEET_SIZE, changed.maxSheetSize, maxSheetSize),
                pick(changes, Setting.IDLE_SHEET_TIMEOUT, changed.idleSheetTimeout, idleSheetTimeout),
                pick(changes, Setting.CLOSE_GRACE, changed.closeGrace, closeGrace),
                authWith(changes, changed.auth),
                pick(changes, Setting.FRAME_ANCESTORS, changed.frameAncestors, frameAncestors),
                pick(changes, Setting.MAX_CONNECTIONS, changed.maxConnections, maxConnections),
                pick(changes, Setting.MAX_CONNECTIONS_PER_ADDRESS, changed.maxConnectionsPerAddress, maxConnectionsPerAddress),
                pick(changes, Setting.HEADER_TIMEOUT, changed.headerTimeout, headerTimeout),
                pick(changes, Setting.HTTP_IDLE_TIMEOUT, changed.httpIdleTimeout, httpIdleTimeout),
                jdbcWith(changes));
    }

    private JdbcSettings jdbcWith(Map<Setting, String> changes) {
        boolean any = changes.keySet().stream().anyMatch(s -> s == Setting.JDBC_URL || s == Setting.JDBC_USER
                || s == Setting.JDBC_PASSWORD || s == Setting.JDBC_PASSWORD_FILE);
        if (!any) {
            return jdbc;
        }
        return JdbcSettings.of(changes.getOrDefault(Setting.JDBC_URL, jdbc.url()),
                changes.getOrDefault(Setting.JDBC_USER, jdbc.user()),
                changes.getOrDefault(Setting.JDBC_PASSWORD, changes.containsKey(Setting.JDBC_PASSWORD_FILE) ? "" : jdbc.password()),
                changes.getOrDefault(Setting.JDBC_PASSWORD_FILE, ""));
    }

    public Settings with(Setting setting, String text) {
        return with(Map.of(setting, text));
    }

    public Settings withPort(int newPort) {
        return with(Setting.PORT, String.valueOf(newPort));
    }

    public Settings withBind(String newBind) {
        return with(Setting.BIND, newBind);
    }

    public Settings withHeartbeat(Duration newPingInterval, Duration newPongTimeout) {
        return with(Map.of(Setting.PING_INTERVAL, newPingInterval.toString(),
                Setting.PONG_TIMEOUT, newPongTimeout.toString()));
    }

    public Settings withMaxMessageSize(long newMaxMessageSize) {
        return with(Setting.MAX_MESSAGE_SIZE, String.valueOf(newMaxMessageSize));
    }

    public Settings withAllowedOrigins(Set<String> newAllowedOrigins) {
        return with(Setting.ALLOWED_ORIGINS, String.join(",", newAllowedOrigins));
    }

    /**
     * The address the standalone server listens on: {@code bind}, or with {@code auto} the loopback
     * address when anyone may do anything ({@code auth=none}) and every interface otherwise.
     */
    public String bindAddress() {
        if (!AUTO.equals(bind)) {
            return bind;
        }
        return auth.mode() == AuthSettings.Mode.NONE ? "127.0.0.1" : "0.0.0.0";
    }

    /** Whether {@code bind} was set to an address rather than left to {@code auto}. */
    public boolean bindIsExplicit() {
        return !AUTO.equals(bind);
    }

    private AuthSettings authWith(Map<Setting, String> changes, AuthSettings changed) {
        boolean any = changes.keySet().stream().anyMatch(s -> s == Setting.AUTH || s == Setting.TOKEN_SECRET
                || s == Setting.TOKEN_PUBLIC_KEY || s == Setting.TOKEN_ISSUER || s == Setting.TOKEN_AUDIENCE
                || s == Setting.OPERATOR_TOKEN);
        if (!any) {
            return auth;
        }
        return new AuthSettings(pick(changes, Setting.AUTH, changed.mode(), auth.mode()),
                pick(changes, Setting.TOKEN_SECRET, changed.tokenSecret(), auth.tokenSecret()),
                pick(changes, Setting.TOKEN_PUBLIC_KEY, changed.tokenPublicKey(), auth.tokenPublicKey()),
                pick(changes, Setting.TOKEN_ISSUER, changed.tokenIssuer(), auth.tokenIssuer()),
                pick(changes, Setting.TOKEN_AUDIENCE, changed.tokenAudience(), auth.tokenAudience()),
                pick(changes, Setting.OPERATOR_TOKEN, changed.operatorToken(), auth.operatorToken()));
    }

    /** Whether the store is the DataSource named by {@code data-source} rather than the embedded one. */
    public boolean usesDataSource() {
        return !dataSource.isEmpty();
    }

    /** One line for the start-up log. */
    public String describe() {
        return toString();
    }

    private static <T> T pick(Map<Setting, String> changes, Setting setting, T changed, T current) {
        return changes.containsKey(setting) ? changed : current;
    }

    private static void requirePositive(Setting setting, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidSettingException(setting, String.valueOf(value), "a positive duration");
        }
    }

    private static void requirePositive(Setting setting, int value) {
        if (value < 1) {
            throw new InvalidSettingException(setting, String.valueOf(value), "a whole number of at least 1");
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
