package dev.livegrid.store;

import dev.livegrid.support.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link SheetStoreContract} for {@link DataSourceSheetStore} on a real PostgreSQL server: by
 * default a throwaway cluster of Debian's PostgreSQL ({@link LocalPostgres}, one for the class; a
 * missing {@code postgresql} package fails the test, see {@code .ci/install-test-deps.sh}), or a
 * server of your own named by a JDBC URL (its tables {@code livegrid_sheets} and {@code livegrid_ops}
 * are dropped before each test):
 * <pre>
 * mvn test -Dtest=PostgresDataSourceSheetStoreTest \
 *   -Dlivegrid.test.postgres='jdbc:postgresql://localhost:5432/livegrid?user=livegrid&amp;password=…'
 * </pre>
 * Plus what only PostgreSQL shows: the durability check of {@link DataSourceSheetStore#warnings()}
 * reads {@code synchronous_commit}.
 */
class PostgresDataSourceSheetStoreTest extends SheetStoreContract {

    static final String URL = "livegrid.test.postgres";

    private static LocalPostgres cluster;
    private static String url;

    private final DataSource postgres = new UrlDataSource(url);

    @BeforeAll
    static void startPostgres() throws Exception {
        String given = System.getProperty(URL, "");
        if (given.isBlank()) {
            cluster = LocalPostgres.start();
            url = cluster.jdbcUrl();
        } else {
            url = given;
        }
    }

    @AfterAll
    static void stopPostgres() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @BeforeEach
    void dropTables() throws SQLException {
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("livegrid_ops", "livegrid_access", "livegrid_presence", "livegrid_servers",
                    "livegrid_sheets")) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    @Test
    void serversOpeningAnEmptyDatabaseAtTheSameMomentAllStart() throws Exception {
        int servers = 4;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(servers);
        try {
            List<java.util.concurrent.Future<DataSourceSheetStore>> opening = new java.util.ArrayList<>();
            for (int i = 0; i < servers; i++) {
                String name = "jdbc/server-" + i;
                opening.add(pool.submit(() -> {
                    go.await();
                    return DataSourceSheetStore.open(new UrlDataSource(url), name);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<DataSourceSheetStore> store : opening) {
                opened(store.get(60, java.util.concurrent.TimeUnit.SECONDS)); // fails if any start was refused
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchesTouchingTheSameSheetsInOppositeOrdersNeverDeadlock() throws Exception {
        SheetStore one = store();
        SheetStore other = opened(DataSourceSheetStore.open(new UrlDataSource(url), "jdbc/other"));
        OpWriter a = OpWriter.empty("order-a");
        OpWriter b = OpWriter.empty("order-b");
        one.commit(List.of(a.created(), b.created()));
        // Snapshots lock their sheet's row and always commit: a deadlock is the only way these can fail.
        List<Change> forward = List.of(a.snapshotKeepingFrom(0), b.snapshotKeepingFrom(0));
        List<Change> backward = List.of(b.snapshotKeepingFrom(0), a.snapshotKeepingFrom(0));
        java.util.concurrent.CompletableFuture<Void> first = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 300; i++) {
                one.commit(forward);
            }
        });
        java.util.concurrent.CompletableFuture<Void> second = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 300; i++) {
                other.commit(backward);
            }
        });
        first.get(120, java.util.concurrent.TimeUnit.SECONDS);
        second.get(120, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void theStoreIsOnPostgresqlWithItsTablesThere() throws SQLException {
        SheetStore store = store();
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
            ResultSet product = s.executeQuery("SELECT version()");
            assertTrue(product.next());
            assertTrue(product.getString(1).startsWith("PostgreSQL"), product.getString(1));
            ResultSet tables = s.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_name LIKE 'livegrid%' ORDER BY table_name");
            List<String> names = new java.util.ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            assertEquals(List.of("livegrid_access", "livegrid_ops", "livegrid_presence", "livegrid_servers", "livegrid_sheets"), names,
                    "created at open");
        }
        assertTrue(location(store).contains("jdbc/postgres"), location(store));
    }

    @Test
    void noDurabilityWarningWithPostgresqlDefaults() {
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(postgres, "jdbc/postgres"));
        assertEquals(List.of(), store.warnings());
    }

    @Test
    void warnsWhenSynchronousCommitIsOff() {
        String off = url + (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff";
        DataSourceSheetStore store = opened(DataSourceSheetStore.open(new UrlDataSource(off), "jdbc/postgres"));
        assertEquals(1, store.warnings().size(), store.warnings().toString());
        assertTrue(store.warnings().get(0).contains("synchronous_commit is off"), store.warnings().toString());
    }

    @Override
    protected SheetStore newStore() {
        return DataSourceSheetStore.open(postgres, "jdbc/postgres");
    }

    @Override
    protected String location(SheetStore store) {
        return ((DataSourceSheetStore) store).location();
    }

    /** A new connection per call from a JDBC URL, as the simplest container data source would lend them. */
    private record UrlDataSource(String url) implements DataSource {

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
