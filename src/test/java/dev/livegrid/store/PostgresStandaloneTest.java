package dev.livegrid.store;

import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.Table;
import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.JdbcSettings;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.LocalPostgres;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone server with {@code jdbc-url}: sheets in a real PostgreSQL (Debian's, a throwaway
 * cluster) through the pooled store, surviving a restart of the server; the settings' checks, and the
 * password kept out of every text.
 */
class PostgresStandaloneTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void sheetsLiveInPostgresAndSurviveARestart(@TempDir Path dir) throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), "not-checked-by-trust-auth\nsecond line\n");
        Settings settings = TestSettings.loopback().with(Map.of(
                Setting.JDBC_URL, "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + LocalPostgres.DATABASE,
                Setting.JDBC_USER, LocalPostgres.USER,
                Setting.JDBC_PASSWORD_FILE, passwordFile.toString()));
        assertEquals("not-checked-by-trust-auth", settings.jdbc().password(), "the file's first line");
        Table before;
        try (LiveGridServer server = LiveGridServer.start(settings);
             LiveGridClient client = LiveGridClient.builder(server.baseUri(), "in-postgres").build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            String col = client.addColumn("City", null).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
            client.insertRow(null, Map.of(col, "Lisbon")).get(10, TimeUnit.SECONDS);
            before = client.table();
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
        }
        try (Connection rows = new Connection()) {
            assertEquals(2, rows.opsOf("in-postgres"), "both ops are rows of PostgreSQL's ops table");
        }
        try (LiveGridServer again = LiveGridServer.start(settings);
             LiveGridClient client = LiveGridClient.builder(again.baseUri(), "in-postgres").build()) {
            Table after = client.connect().get(10, TimeUnit.SECONDS);
            assertEquals(before.version(), after.version());
            assertEquals(before.rows(), after.rows());
            assertEquals(before.columns(), after.columns());
        }
    }

    @Test
    void badSettingsStopStartUpNamingTheSettingAndNoSecretIsShown(@TempDir Path dir) throws Exception {
        InvalidSettingException notPostgres = assertThrows(InvalidSettingException.class,
                () -> Settings.defaults().with(Setting.JDBC_URL, "jdbc:mysql://db/x?password=hunter2"));
        assertTrue(notPostgres.getMessage().contains("livegrid.jdbc-url"), notPostgres.getMessage());
        assertFalse(notPostgres.getMessage().contains("hunter2"));
        InvalidSettingException both = assertThrows(InvalidSettingException.class, () -> Settings.defaults().with(Map.of(
                Setting.JDBC_URL, "jdbc:postgresql://db/x", Setting.JDBC_PASSWORD, "p",
                Setting.JDBC_PASSWORD_FILE, dir.resolve("p").toString())));
        assertTrue(both.getMessage().contains("livegrid.jdbc-password-file"), both.getMessage());
        InvalidSettingException missing = assertThrows(InvalidSettingException.class, () -> Settings.defaults().with(Map.of(
                Setting.JDBC_URL, "jdbc:postgresql://db/x", Setting.JDBC_PASSWORD_FILE, dir.resolve("absent").toString())));
        assertTrue(missing.getMessage().contains("readable file"), missing.getMessage());

        Settings settings = Settings.defaults().with(Map.of(Setting.JDBC_URL, "jdbc:postgresql://db/x?password=hunter2",
                Setting.JDBC_PASSWORD, "s3cret-pass"));
        assertFalse(settings.describe().contains("hunter2") || settings.describe().contains("s3cret-pass"), settings.describe());
        assertEquals(new JdbcSettings("jdbc:postgresql://db/x?password=hunter2", "", "s3cret-pass"), settings.jdbc());
    }

    @Test
    void anUnreachableDatabaseStopsStartUpWithTheReason() {
        Settings settings = TestSettings.loopback().with(Setting.JDBC_URL,
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/no_such_database?user=" + LocalPostgres.USER);
        RuntimeException refused = assertThrows(RuntimeException.class, () -> LiveGridServer.start(settings).close());
        assertTrue(String.valueOf(refused.getMessage()).contains("PostgreSQL jdbc:postgresql://127.0.0.1:"), refused.getMessage());
    }

    /** Counts rows straight from PostgreSQL, past LiveGrid. */
    private static final class Connection implements AutoCloseable {
        private final java.sql.Connection sql = java.sql.DriverManager.getConnection(postgres.jdbcUrl());

        Connection() throws Exception {
        }

        long opsOf(String sheet) throws Exception {
            try (var statement = sql.prepareStatement("SELECT count(*) FROM livegrid_ops WHERE sheet = ?")) {
                statement.setString(1, sheet);
                try (var result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        }

        @Override
        public void close() throws Exception {
            sql.close();
        }
    }
}
