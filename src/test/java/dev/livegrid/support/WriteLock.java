package dev.livegrid.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real store failure without root: another SQLite connection holding the database's write lock
 * ({@code BEGIN EXCLUSIVE}). The server's commits wait their 5 s busy timeout and then fail with
 * "database is locked"; shorter holds only slow them down.
 */
public final class WriteLock implements AutoCloseable {

    private final Path file;
    private Connection connection;

    public WriteLock(Path file) {
        this.file = file;
    }

    public void lock() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("BEGIN EXCLUSIVE");
        }
    }

    public void unlock() throws SQLException {
        if (connection != null) {
            try (Statement s = connection.createStatement()) {
                s.execute("ROLLBACK");
            } finally {
                connection.close();
                connection = null;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        unlock();
    }
}
