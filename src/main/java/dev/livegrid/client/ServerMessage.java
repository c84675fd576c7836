package dev.livegrid.client;

import java.util.List;

/** The messages a server sends on a sheet connection (docs/PROTOCOL.md §7.4), as {@link Wire} reads them. */
sealed interface ServerMessage {

    /**
     * The first message of a connection. A full one carries the table; one that resumes ({@code since} set)
     * carries no {@code columns}/{@code rows} (null here) and is followed by the missed {@code applied}s.
     */
    record Welcome(String sheet, String incarnation, long version, String you, String role, Long since,
                   List<Table.Column> columns, List<Table.Row> rows, List<User> users) implements ServerMessage {

        boolean resumes() {
            return since != null && columns == null && rows == null;
        }

        Table table() {
            return new Table(sheet, incarnation, version, columns, rows);
        }
    }

    record AppliedOp(Applied applied) implements ServerMessage {
    }

    /** {@code current}: the winning cell of a {@code conflict}, else null. */
    record Rejected(String id, String code, String message, Table.Cell current) implements ServerMessage {
    }

    /**
     * What changed in who is here; {@code users} is a whole list instead (null unless an older server sent
     * one). Lists not in the message are empty.
     */
    record Presence(List<User> users, List<User> joined, List<Moved> moved, List<String> left) implements ServerMessage {
    }

    /** A user's cursor moved; {@code focus} null: onto no cell. */
    record Moved(String id, CellRef focus) {
    }

    record Error(String code, String message) implements ServerMessage {
    }

    record RoleChanged(String role) implements ServerMessage {
    }

    record Authenticated(String expires) implements ServerMessage {
    }

    /** A message type this client does not know: ignored, as the protocol asks (it grows additively). */
    record Unknown(String type) implements ServerMessage {
    }
}
