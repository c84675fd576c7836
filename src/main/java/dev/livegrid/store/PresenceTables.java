package dev.livegrid.store;

import dev.livegrid.protocol.ServerMessage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Presence across servers sharing a database (cluster mode): each server writes who is on each sheet
 * through it ({@value #PRESENCE}, replaced whole per sheet and server) and that it is alive
 * ({@value #SERVERS}, every heartbeat); each reads the others'. A server unseen for
 * {@link #SERVER_EXPIRY_MILLIS} counts as gone — its users leave every sheet — and its rows are
 * deleted by whichever server notices it later still. Times are the servers' own clocks, so they
 * must agree within a few seconds (NTP). Statements run through {@link SheetTables#transaction}.
 */
final class PresenceTables {

    static final String PRESENCE = "livegrid_presence";
    static final String SERVERS = "livegrid_servers";
    /** A server whose heartbeat is older than this is gone (its heartbeat comes every 2 s). */
    static final long SERVER_EXPIRY_MILLIS = 10_000;
    /** Rows of a server gone this long are deleted. */
    private static final long FORGET_AFTER_MILLIS = 60_000;

    private final SheetTables tables;
    private final SheetTables.Signals signals;

    PresenceTables(SheetTables tables, SheetTables.Signals signals) {
        this.tables = tables;
        this.signals = signals;
    }

    /** Replaces this server's users of the sheet with {@code users}, and signals other servers. */
    void share(String sheetId, List<ServerMessage.User> users) {
        String server = tables.server();
        try {
            tables.transaction(c -> {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + PRESENCE + " WHERE sheet = ? AND server = ?")) {
                    delete.setString(1, sheetId);
                    delete.setString(2, server);
                    delete.executeUpdate();
                }
                if (!users.isEmpty()) {
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + PRESENCE
                            + " (sheet, server, user_id, name, focus_row, focus_col) VALUES (?, ?, ?, ?, ?, ?)")) {
                        for (ServerMessage.User user : users) {
                            insert.setString(1, sheetId);
                            insert.setString(2, server);
                            insert.setString(3, user.id());
                            insert.setString(4, user.name());
                            insert.setString(5, user.focus() == null ? "" : user.focus().row());
                            insert.setString(6, user.focus() == null ? "" : user.focus().col());
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
                signals.send(c, List.of(StoreSignals.presence(sheetId, server)));
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            throw tables.failure("share who is on sheet " + sheetId, e);
        }
    }

    /** The sheet's users through other servers that are alive, by server. */
    Map<String, List<ServerMessage.User>> elsewhere(String sheetId) {
        return elsewhere(List.of(sheetId)).getOrDefault(sheetId, Map.of());
    }

    /** For each of the sheets, its users through other servers that are alive, by server (sheets without any left out). */
    Map<String, Map<String, List<ServerMessage.User>>> elsewhere(List<String> sheetIds) {
        long alive = System.currentTimeMillis() - SERVER_EXPIRY_MILLIS;
        Map<String, Map<String, List<ServerMessage.User>>> bySheet = new LinkedHashMap<>();
        try {
            for (int from = 0; from < sheetIds.size(); from += SHEETS_PER_QUERY) {
                List<String> some = sheetIds.subList(from, Math.min(sheetIds.size(), from + SHEETS_PER_QUERY));
                String sql = "SELECT p.sheet, p.server, p.user_id, p.name, p.focus_row, p.focus_col"
                        + " FROM " + PRESENCE + " p JOIN " + SERVERS + " s ON s.server = p.server"
                        + " WHERE p.server <> ? AND s.seen_at > ? AND p.sheet IN ("
                        + String.join(", ", java.util.Collections.nCopies(some.size(), "?")) + ")"
                        + " ORDER BY p.sheet, p.server, p.user_id";
                tables.transaction(c -> {
                    try (PreparedStatement q = c.prepareStatement(sql)) {
                        q.setString(1, tables.server());
                        q.setLong(2, alive);
                        for (int i = 0; i < some.size(); i++) {
                            q.setString(3 + i, some.get(i));
                        }
                        try (ResultSet r = q.executeQuery()) {
                            while (r.next()) {
                                String row = r.getString(5);
                                ServerMessage.Focus focus = row.isEmpty() ? null : new ServerMessage.Focus(row, r.getString(6));
                                bySheet.computeIfAbsent(r.getString(1), sheet -> new LinkedHashMap<>())
                                        .computeIfAbsent(r.getString(2), server -> new ArrayList<>())
                                        .add(new ServerMessage.User(r.getString(3), r.getString(4), focus));
                            }
                        }
                    }
                    return null;
                });
            }
            return bySheet;
        } catch (SQLException | RuntimeException e) {
            throw tables.failure("read who is on " + sheetIds.size() + " sheets through other servers", e);
        }
    }

    /** Sheet ids in one query: far below every database's limit on parameters. */
    private static final int SHEETS_PER_QUERY = 500;

    /**
     * Marks this server alive now; forgets servers gone for a minute; returns the other servers alive.
     */
    Set<String> heartbeat() {
        String server = tables.server();
        long now = System.currentTimeMillis();
        try {
            return tables.transaction(c -> {
                try (PreparedStatement update = c.prepareStatement("UPDATE " + SERVERS + " SET seen_at = ? WHERE server = ?")) {
                    update.setLong(1, now);
                    update.setString(2, server);
                    if (update.executeUpdate() == 0) {
                        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + SERVERS + " (server, seen_at) VALUES (?, ?)")) {
                            insert.setString(1, server);
                            insert.setLong(2, now);
                            insert.executeUpdate();
                        }
                    }
                }
                long forgotten = now - FORGET_AFTER_MILLIS;
                try (PreparedStatement rows = c.prepareStatement("DELETE FROM " + PRESENCE + " WHERE server IN (SELECT server FROM "
                        + SERVERS + " WHERE seen_at < ?)");
                     PreparedStatement servers = c.prepareStatement("DELETE FROM " + SERVERS + " WHERE seen_at < ?")) {
                    rows.setLong(1, forgotten);
                    rows.executeUpdate();
                    servers.setLong(1, forgotten);
                    servers.executeUpdate();
                }
                Set<String> alive = new HashSet<>();
                try (PreparedStatement q = c.prepareStatement("SELECT server FROM " + SERVERS + " WHERE seen_at > ? AND server <> ?")) {
                    q.setLong(1, now - SERVER_EXPIRY_MILLIS);
                    q.setString(2, server);
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            alive.add(r.getString(1));
                        }
                    }
                }
                return alive;
            });
        } catch (SQLException | RuntimeException e) {
            throw tables.failure("mark this server alive", e);
        }
    }

    /** An orderly stop: this server's users leave every sheet now (signalled), and it is no longer alive. */
    void leave() {
        String server = tables.server();
        try {
            tables.transaction(c -> {
                List<String> sheets = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT sheet FROM " + PRESENCE + " WHERE server = ?")) {
                    q.setString(1, server);
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            sheets.add(r.getString(1));
                        }
                    }
                }
                try (PreparedStatement rows = c.prepareStatement("DELETE FROM " + PRESENCE + " WHERE server = ?");
                     PreparedStatement self = c.prepareStatement("DELETE FROM " + SERVERS + " WHERE server = ?")) {
                    rows.setString(1, server);
                    rows.executeUpdate();
                    self.setString(1, server);
                    self.executeUpdate();
                }
                if (!sheets.isEmpty()) {
                    signals.send(c, sheets.stream().map(sheet -> StoreSignals.presence(sheet, server)).toList());
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            throw tables.failure("take this server's users off its sheets", e);
        }
    }
}
