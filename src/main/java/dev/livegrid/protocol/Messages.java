package dev.livegrid.protocol;

import dev.livegrid.sheet.Cell;
import dev.livegrid.sheet.Rejection;
import dev.livegrid.sheet.Row;
import dev.livegrid.sheet.Snapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds server messages from the sheet model's values. */
public final class Messages {

    private Messages() {
    }

    public static ServerMessage.Welcome welcome(Snapshot snapshot, String you, String role,
                                                List<ServerMessage.User> users) {
        return new ServerMessage.Welcome(snapshot.sheet(), snapshot.incarnation(), snapshot.version(), you, role,
                columns(snapshot), rows(snapshot), users, null);
    }

    /** The short welcome of a resume: no table, {@code since} echoed; the missed ops follow. */
    public static ServerMessage.Welcome resumed(String sheet, String incarnation, long version, String you,
                                                String role, List<ServerMessage.User> users, long since) {
        return new ServerMessage.Welcome(sheet, incarnation, version, you, role, null, null, users, since);
    }

    public static ServerMessage.Rejected rejected(String id, Rejection rejection) {
        return new ServerMessage.Rejected(id, rejection.reason().code(), rejection.message(),
                cell(rejection.current()),
                rejection.conflicts() == null ? null : rejection.conflicts().stream().map(Messages::cell).toList());
    }

    private static ServerMessage.CurrentCell cell(Rejection.CurrentCell c) {
        return c == null ? null : new ServerMessage.CurrentCell(c.row(), c.col(), c.value(), c.version());
    }

    public static ServerMessage.Error badMessage(String problem) {
        return new ServerMessage.Error("bad-message", problem);
    }

    public static List<ServerMessage.ColumnView> columns(Snapshot snapshot) {
        return snapshot.columns().stream().map(c -> new ServerMessage.ColumnView(c.id(), c.name())).toList();
    }

    public static List<ServerMessage.RowView> rows(Snapshot snapshot) {
        return snapshot.rows().stream().map(Messages::row).toList();
    }

    private static ServerMessage.RowView row(Row row) {
        Map<String, ServerMessage.CellView> cells = new LinkedHashMap<>();
        for (Map.Entry<String, Cell> cell : row.cells().entrySet()) {
            cells.put(cell.getKey(), new ServerMessage.CellView(cell.getValue().value(), cell.getValue().version()));
        }
        return new ServerMessage.RowView(row.id(), cells);
    }
}
