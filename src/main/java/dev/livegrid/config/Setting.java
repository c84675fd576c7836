package dev.livegrid.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every setting LiveGrid reads: its name as a system property and as an environment variable,
 * its default and what it means. The README's configuration table lists exactly these.
 */
public enum Setting {
    PORT("port", "8080", "TCP port of the standalone server; 0 picks a free port"),
    BIND("bind", "auto",
            "address the standalone server listens on; auto is 127.0.0.1 (this machine only) with auth none, 0.0.0.0 (every interface) otherwise"),
    PING_INTERVAL("ping-interval", "25s", "how often every WebSocket session is pinged"),
    PONG_TIMEOUT("pong-timeout", "10s", "a session whose pong is this late is closed (1001)"),
    MAX_MESSAGE_SIZE("max-message-size", "1MiB",
            "largest message accepted, whole or summed over its fragments; larger closes with 1009"),
    ALLOWED_ORIGINS("allowed-origins", "",
            "comma-separated browser origins allowed besides the server's own host; * allows any"),
    CREATE_SHEETS("create-sheets", "true", "joining an unknown sheet id creates it empty; false closes with 4004"),
    LEGACY_SHEET("legacy-sheet", "demo", "the sheet the legacy POST /input-change edits"),
    MAX_ROWS("max-rows", "10000", "rows per sheet; more is rejected with too-large"),
    MAX_COLUMNS("max-columns", "100", "columns per sheet; more is rejected with too-large"),
    MAX_VALUE_LENGTH("max-value-length", "10000", "characters per cell value; longer is rejected with too-large"),
    OP_WINDOW("op-window", "1000", "applied ops a sheet keeps for resume (since=V) and op-id de-duplication"),
    OP_RATE("op-rate", "50", "ops per second one connection may send (bursts of twice that); more is rate-limited"),
    DATA_DIR("data-dir", "./data",
            "directory of the embedded store (livegrid.db, livegrid.lock); memory keeps sheets in memory only"),
    DATA_SOURCE("data-source", "",
            "JNDI name of a DataSource to store sheets in instead (WAR only, e.g. java:comp/DefaultDataSource); empty uses data-dir"),
    OUTBOX_LIMIT("outbox-limit", "1MiB",
            "bytes queued for one slow sheet viewer before it is closed with 1013 and a resume version; a batch op may be half of it"),
    MAX_SHEET_SIZE("max-sheet-size", "auto",
            "how large one sheet may grow (about its JSON size); auto is 1/32 of the maximum heap, from 1MiB to 64MiB"),
    CLOSE_GRACE("close-grace", "30s",
            "how long a connection the standalone server closed may keep unread data before it is cut"),
    IDLE_SHEET_TIMEOUT("idle-sheet-timeout", "2m",
            "how long a sheet nobody has open stays loaded for HTTP requests (idle sheets also leave early under memory pressure)"),
    AUTH("auth", "none",
            "who may do what: none (anyone who reaches the server may do anything), token (signed bearer tokens), container (WAR only: the server's own login)"),
    TOKEN_SECRET("token-secret", "",
            "with auth token: the HS256 key tokens are signed with, at least 32 bytes (never logged)"),
    TOKEN_PUBLIC_KEY("token-public-key", "",
            "with auth token: a PEM file holding the public key (RSA for RS256, P-256 EC for ES256) tokens are signed for"),
    TOKEN_ISSUER("token-issuer", "", "with auth token: when set, a token's iss must be exactly this"),
    OPERATOR_TOKEN("operator-token", "",
            "with access control on: a secret of at least 32 bytes; Authorization: Bearer <it> may read /health and /metrics (and nothing else) without an admin's token or login, for scrapers and probes (never logged)"),
    TOKEN_AUDIENCE("token-audience", "", "with auth token: when set, a token's aud must contain this"),
    FRAME_ANCESTORS("frame-ancestors", "'none'",
            "pages that may show LiveGrid in a frame, as CSP frame-ancestors sources ('self', https://portal.example.com); 'none' for no page"),
    MAX_CONNECTIONS("max-connections", "10000",
            "standalone server: open WebSockets in all; a handshake beyond is refused with 503"),
    MAX_CONNECTIONS_PER_ADDRESS("max-connections-per-address", "2000",
            "standalone server: open WebSockets from one client address (IPv6: one /64); a handshake beyond is refused with 429"),
    HEADER_TIMEOUT("header-timeout", "10s",
            "standalone server: a connection whose request headers are not complete this long after they began is closed"),
    HTTP_IDLE_TIMEOUT("http-idle-timeout", "30s",
            "standalone server: a plain-HTTP keep-alive connection idle this long is closed (never an open WebSocket)"),
    JDBC_URL("jdbc-url", "",
            "standalone server: keep sheets in this PostgreSQL database (jdbc:postgresql://host:5432/db) instead of data-dir, through a pool of connections"),
    JDBC_USER("jdbc-user", "", "with jdbc-url: the database user"),
    JDBC_PASSWORD("jdbc-password", "", "with jdbc-url: the database user's password (never logged)"),
    JDBC_PASSWORD_FILE("jdbc-password-file", "",
            "with jdbc-url: a file holding the password instead (its first line), e.g. a mounted secret");

    private final String key;
    private final String defaultValue;
    private final String meaning;

    Setting(String key, String defaultValue, String meaning) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    /**
     * The setting called {@code name}: its key ({@code ping-interval}), system property
     * ({@code livegrid.ping-interval}) or environment variable ({@code LIVEGRID_PING_INTERVAL}).
     *
     * @throws IllegalArgumentException naming every setting when none is called that
     */
    public static Setting named(String name) {
        String trimmed = name.trim();
        for (Setting setting : values()) {
            if (setting.key.equals(trimmed) || setting.property().equals(trimmed)
                    || setting.environmentVariable().equals(trimmed)) {
                return setting;
            }
        }
        throw new IllegalArgumentException("No LiveGrid setting is called '" + name + "'; the settings are "
                + Arrays.stream(values()).map(s -> s.key).collect(Collectors.joining(", ")));
    }

    /** The system property, e.g. {@code livegrid.ping-interval}. */
    public String property() {
        return "livegrid." + key;
    }

    /** The environment variable, e.g. {@code LIVEGRID_PING_INTERVAL}. */
    public String environmentVariable() {
        return "LIVEGRID_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    /** How the setting is named in error messages: both of its spellings. */
    public String displayName() {
        return property() + " (" + environmentVariable() + ")";
    }
}
