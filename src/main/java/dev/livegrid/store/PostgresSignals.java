package dev.livegrid.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Hearing {@link StoreSignals} over PostgreSQL's {@code LISTEN} ({@link PostgresNotify} sends them): a
 * listener holds one connection that waits with pgjdbc's {@link PGConnection#getNotifications(int)}.
 * The only class that names the driver's own types: where they are not visible (a WAR whose server
 * keeps the driver in a module of its own), nodes fall back to polling.
 */
final class PostgresSignals {

    private PostgresSignals() {
    }

    /** Where the listener's connection comes from. */
    interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /** A listener on a connection from {@code connections}, kept until it is closed. */
    static SignalListener listen(ConnectionSource connections, String where) throws SQLException {
        Connection connection = connections.get();
        try {
            PGConnection pg = connection.unwrap(PGConnection.class);
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("LISTEN " + StoreSignals.CHANNEL);
            }
            return new Listener(connection, pg, where);
        } catch (SQLException | RuntimeException | LinkageError e) {
            close(connection);
            throw e;
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a pool discards a connection it cannot take back
        }
    }

    private record Listener(Connection connection, PGConnection pg, String where) implements SignalListener {

        @Override
        public List<String> await(long millis) {
            try {
                PGNotification[] arrived = pg.getNotifications((int) Math.max(1, Math.min(Integer.MAX_VALUE, millis)));
                List<String> messages = new ArrayList<>();
                if (arrived != null) {
                    for (PGNotification n : arrived) {
                        if (StoreSignals.CHANNEL.equals(n.getName())) {
                            messages.add(n.getParameter());
                        }
                    }
                }
                return messages;
            } catch (SQLException e) {
                throw new StoreException("the store (" + where + ") stopped delivering notifications: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try (Statement s = connection.createStatement()) {
                s.execute("UNLISTEN *"); // a pooled connection must not keep listening for its next borrower
            } catch (SQLException ignored) {
                // closing anyway
            }
            PostgresSignals.close(connection);
        }
    }
}
