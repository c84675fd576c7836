package dev.livegrid.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Sends a commit's {@link StoreSignals} with PostgreSQL's {@code pg_notify}, inside the commit's
 * transaction: PostgreSQL delivers them to listeners if and when it commits, in commit order. On any
 * other database (H2, whose tables no second server shares in practice) it sends nothing, and other
 * servers learn of commits by polling. Plain JDBC, no driver types: a WAR uses it whatever driver its
 * server has.
 */
final class PostgresNotify implements SheetTables.Signals {

    /** All of a commit's messages in one statement: one round trip, whatever the number of sheets. */
    private static final String NOTIFY = "SELECT pg_notify('" + StoreSignals.CHANNEL + "', m) FROM unnest(?) AS m";

    /** Whether the database is PostgreSQL; null until the first send asks. */
    private volatile Boolean postgres;

    @Override
    public void send(Connection connection, List<String> messages) throws SQLException {
        Boolean onPostgres = postgres;
        if (onPostgres == null) {
            onPostgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
            postgres = onPostgres;
        }
        if (!onPostgres) {
            return;
        }
        try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
            notify.setArray(1, connection.createArrayOf("text", messages.toArray()));
            try (ResultSet r = notify.executeQuery()) {
                while (r.next()) {
                    // pg_notify returns void: one empty row per message
                }
            }
        }
    }
}
