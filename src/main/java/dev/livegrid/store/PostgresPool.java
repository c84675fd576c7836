package dev.livegrid.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.livegrid.config.JdbcSettings;

/**
 * The standalone server's store on PostgreSQL ({@code jdbc-url}): a HikariCP pool of a few
 * connections — the committer holds one at a time, the listener one for good, reads and probes borrow
 * others — under the
 * {@link DataSourceSheetStore}, which closes the pool with itself.
 */
public final class PostgresPool {

    /**
     * Enough for the committer, the listener for other nodes' commits (held), catch-up reads,
     * concurrent sheet loads and the health probe.
     */
    static final int CONNECTIONS = 8;

    private PostgresPool() {
    }

    /**
     * Opens the pool and the store on it.
     *
     * @throws StoreException if the database cannot be reached or holds tables that are not LiveGrid's
     */
    public static DataSourceSheetStore open(JdbcSettings jdbc) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("livegrid-store");
        config.setJdbcUrl(jdbc.url());
        if (!jdbc.user().isEmpty()) {
            config.setUsername(jdbc.user());
        }
        if (!jdbc.password().isEmpty()) {
            config.setPassword(jdbc.password());
        }
        config.setMaximumPoolSize(CONNECTIONS);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        // Start even while the database is down: the store's own open then says what is wrong, and later
        // commits fail as store-unavailable until it is back, as with any store failure.
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            return DataSourceSheetStore.open(pool, "PostgreSQL " + jdbc.withoutParameters(), pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }
}
