package dev.livegrid.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * The {@link SheetStoreContract} for {@link DataSourceSheetStore} on a real PostgreSQL server, run
 * only when one is given (its tables {@code livegrid_sheets} and {@code livegrid_ops} are dropped
 * before each test) and its JDBC driver is on the test class path, which the build does not carry:
 * <pre>
 * mvn test -Dtest=PostgresDataSourceSheetStoreTest \
 *   -Dlivegrid.test.postgres='jdbc:postgresql://localhost:5432/livegrid?user=livegrid&amp;password=…' \
 *   -Dmaven.test.additionalClasspath=$HOME/.m2/repository/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar
 * </pre>
 */
@EnabledIfSystemProperty(named = PostgresDataSourceSheetStoreTest.URL, matches = "jdbc:postgresql:.+")
class PostgresDataSourceSheetStoreTest extends SheetStoreContract {

    static final String URL = "livegrid.test.postgres";

    private final DataSource postgres = new UrlDataSource(System.getProperty(URL));

    @BeforeEach
    void dropTables() throws SQLException {
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS livegrid_ops");
            s.execute("DROP TABLE IF EXISTS livegrid_sheets");
        }
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
