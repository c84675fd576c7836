package dev.livegrid.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = Settings.defaults();
        assertAll(
                () -> assertEquals(8080, s.port()),
                () -> assertEquals("auto", s.bind()),
                () -> assertEquals("127.0.0.1", s.bindAddress()),
                () -> assertEquals(Duration.ofSeconds(25), s.pingInterval()),
                () -> assertEquals(Duration.ofSeconds(10), s.pongTimeout()),
                () -> assertEquals(1024 * 1024, s.maxMessageSize()),
                () -> assertEquals(Set.of(), s.allowedOrigins()));
    }

    @Test
    void abuseLimitsDefaultToWhatAnOfficeBehindOneAddressNeeds() {
        Settings s = Settings.defaults();
        assertAll(
                () -> assertEquals(10_000, s.maxConnections()),
                () -> assertEquals(2_000, s.maxConnectionsPerAddress()),
                () -> assertEquals(Duration.ofSeconds(10), s.headerTimeout()),
                () -> assertEquals(Duration.ofSeconds(30), s.httpIdleTimeout()));
        Settings changed = Settings.from(Map.of("livegrid.max-connections", "5", "livegrid.header-timeout", "1500ms"),
                Map.of("LIVEGRID_MAX_CONNECTIONS_PER_ADDRESS", "2", "LIVEGRID_HTTP_IDLE_TIMEOUT", "PT1M"));
        assertAll(
                () -> assertEquals(5, changed.maxConnections()),
                () -> assertEquals(2, changed.maxConnectionsPerAddress()),
                () -> assertEquals(Duration.ofMillis(1500), changed.headerTimeout()),
                () -> assertEquals(Duration.ofMinutes(1), changed.httpIdleTimeout()));
    }

    @Test
    void environmentVariablesAreRead() {
        Settings s = Settings.from(Map.of(), Map.of(
                "LIVEGRID_PORT", "9090", "LIVEGRID_BIND", "127.0.0.1", "LIVEGRID_PING_INTERVAL", "500ms",
                "LIVEGRID_PONG_TIMEOUT", "PT2S", "LIVEGRID_MAX_MESSAGE_SIZE", "64KiB",
                "LIVEGRID_ALLOWED_ORIGINS", "https://a.example, http://b.example:8081"));
        assertAll(
                () -> assertEquals(9090, s.port()),
                () -> assertEquals("127.0.0.1", s.bind()),
                () -> assertEquals(Duration.ofMillis(500), s.pingInterval()),
                () -> assertEquals(Duration.ofSeconds(2), s.pongTimeout()),
                () -> assertEquals(65536, s.maxMessageSize()),
                () -> assertEquals(Set.of("https://a.example", "http://b.example:8081"), s.allowedOrigins()));
    }

    @Test
    void systemPropertiesWinOverEnvironmentVariables() {
        Settings s = Settings.from(Map.of("livegrid.port", "7000", "livegrid.ping-interval", "3m"),
                Map.of("LIVEGRID_PORT", "9090", "LIVEGRID_PING_INTERVAL", "1s"));
        assertEquals(7000, s.port());
        assertEquals(Duration.ofMinutes(3), s.pingInterval());
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
            "LIVEGRID_PORT|abc|livegrid.port (LIVEGRID_PORT)",
            "LIVEGRID_PORT|70000|livegrid.port (LIVEGRID_PORT)",
            "LIVEGRID_PORT|-1|livegrid.port (LIVEGRID_PORT)",
            "LIVEGRID_BIND|no-such-host.invalid|livegrid.bind (LIVEGRID_BIND)",
            "LIVEGRID_PING_INTERVAL|0s|livegrid.ping-interval (LIVEGRID_PING_INTERVAL)",
            "LIVEGRID_PING_INTERVAL|soon|livegrid.ping-interval (LIVEGRID_PING_INTERVAL)",
            "LIVEGRID_PONG_TIMEOUT|-5s|livegrid.pong-timeout (LIVEGRID_PONG_TIMEOUT)",
            "LIVEGRID_MAX_MESSAGE_SIZE|big|livegrid.max-message-size (LIVEGRID_MAX_MESSAGE_SIZE)",
            "LIVEGRID_MAX_MESSAGE_SIZE|100|livegrid.max-message-size (LIVEGRID_MAX_MESSAGE_SIZE)",
            "LIVEGRID_MAX_MESSAGE_SIZE|65MiB|livegrid.max-message-size (LIVEGRID_MAX_MESSAGE_SIZE)",
            "LIVEGRID_ALLOWED_ORIGINS|example.com|livegrid.allowed-origins (LIVEGRID_ALLOWED_ORIGINS)",
            "LIVEGRID_ALLOWED_ORIGINS|https://a.example/path|livegrid.allowed-origins (LIVEGRID_ALLOWED_ORIGINS)",
            "LIVEGRID_ALLOWED_ORIGINS|ftp://a.example|livegrid.allowed-origins (LIVEGRID_ALLOWED_ORIGINS)",
            "LIVEGRID_MAX_CONNECTIONS|0|livegrid.max-connections (LIVEGRID_MAX_CONNECTIONS)",
            "LIVEGRID_MAX_CONNECTIONS|many|livegrid.max-connections (LIVEGRID_MAX_CONNECTIONS)",
            "LIVEGRID_MAX_CONNECTIONS_PER_ADDRESS|-3|livegrid.max-connections-per-address (LIVEGRID_MAX_CONNECTIONS_PER_ADDRESS)",
            "LIVEGRID_HEADER_TIMEOUT|0s|livegrid.header-timeout (LIVEGRID_HEADER_TIMEOUT)",
            "LIVEGRID_HEADER_TIMEOUT|ten|livegrid.header-timeout (LIVEGRID_HEADER_TIMEOUT)",
            "LIVEGRID_HTTP_IDLE_TIMEOUT|-1s|livegrid.http-idle-timeout (LIVEGRID_HTTP_IDLE_TIMEOUT)",
    })
    void badValuesFailNamingTheSetting(String variable, String value, String named) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Settings.from(Map.of(), Map.of(variable, value)));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void wildcardOriginIsAccepted() {
        Settings s = Settings.from(Map.of(), Map.of("LIVEGRID_ALLOWED_ORIGINS", "*"));
        assertEquals(Set.of("*"), s.allowedOrigins());
    }

    @Test
    void deploymentValuesComeAfterPropertiesAndEnvironmentButBeforeDefaults() {
        Map<String, String> deployment = Map.of("livegrid.op-rate", "7", "livegrid.op-window", "70",
                "livegrid.max-rows", "700", "livegrid.data-source", "java:comp/DefaultDataSource");
        Settings s = Settings.from(Map.of("livegrid.op-rate", "5"), Map.of("LIVEGRID_OP_WINDOW", "50"), deployment);
        assertEquals(5, s.opRate(), "a system property wins");
        assertEquals(50, s.opWindow(), "then the environment");
        assertEquals(700, s.maxRows(), "then the context parameter");
        assertEquals(100, s.maxColumns(), "then the default");
        assertEquals("java:comp/DefaultDataSource", s.dataSource());
        assertTrue(s.usesDataSource());
        assertFalse(Settings.defaults().usesDataSource(), "the embedded store by default");
    }

    @Test
    void aBadDeploymentValueIsNamedLikeAnyOther() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Settings.from(Map.of(), Map.of(), Map.of("livegrid.op-rate", "fast")));
        assertTrue(e.getMessage().contains("livegrid.op-rate (LIVEGRID_OP_RATE) = 'fast'"), e.getMessage());
    }

    @Test
    void frameAncestorsAreNoneByDefaultAndKeepValidSourcesWithSingleSpaces() {
        assertEquals("'none'", Settings.defaults().frameAncestors());
        Settings s = Settings.from(Map.of(), Map.of("LIVEGRID_FRAME_ANCESTORS",
                " 'SELF'  https://portal.example.com *.example.org:8443 https: http://10.0.0.7:8080/intranet/ "));
        assertEquals("'self' https://portal.example.com *.example.org:8443 https: http://10.0.0.7:8080/intranet/",
                s.frameAncestors());
        assertEquals("'none'", Settings.from(Map.of("livegrid.frame-ancestors", "'NONE'"), Map.of()).frameAncestors());
    }

    /** The value is copied into the Content-Security-Policy header: nothing may end the directive or the header. */
    @Test
    void frameAncestorsThatCouldChangeMoreThanTheDirectiveAreRefused() {
        for (String value : new String[]{"'none'; script-src *", "'self';", "https://a.example, https://b.example",
                "'self'\r\nSet-Cookie: x=1", "'self'\nhttps://b.example", "'self'\thttps://b.example", "'none' 'self'",
                "", "   ", "'unsafe-inline'", "self", "none", "https://a.example/p;x", "https://a.example/\"x\"", "data:,x",
                "https://\u00e9.example"}) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class,
                    () -> Settings.from(Map.of(), Map.of("LIVEGRID_FRAME_ANCESTORS", value)), value);
            assertTrue(e.getMessage().startsWith("Invalid setting livegrid.frame-ancestors (LIVEGRID_FRAME_ANCESTORS)"),
                    e.getMessage());
        }
    }

    @Test
    void readmeListsEverySettingWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Setting setting : Setting.values()) {
            String defaultCell = setting.defaultValue().isEmpty() ? "(none)" : "`" + setting.defaultValue() + "`";
            String row = "| `" + setting.property() + "` | `" + setting.environmentVariable() + "` | " + defaultCell + " |";
            assertTrue(readme.contains(row), "README.md has no configuration row starting " + row);
        }
    }
}
