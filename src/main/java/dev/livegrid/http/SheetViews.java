package dev.livegrid.http;

import dev.livegrid.protocol.Messages;
import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.sheet.Cell;
import dev.livegrid.sheet.Column;
import dev.livegrid.sheet.Row;
import dev.livegrid.sheet.Snapshot;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/** A snapshot as the API shows it: JSON (the {@code welcome}'s table) or CSV (names, then values). */
final class SheetViews {

    private SheetViews() {
    }

    /** The body of {@code GET /api/sheets/{id}}: the columns and rows exactly as in a {@code welcome}. */
    @JsonbPropertyOrder({"sheet", "incarnation", "version", "columns", "rows"})
    public record SheetJson(String sheet, String incarnation, long version, List<ServerMessage.ColumnView> columns,
                            List<ServerMessage.RowView> rows) {
    }

    static SheetJson json(Snapshot snapshot) {
        return new SheetJson(snapshot.sheet(), snapshot.incarnation(), snapshot.version(), Messages.columns(snapshot),
                Messages.rows(snapshot));
    }

    /**
     * A header record of column names, then one record per row in order, empty cells empty. A sheet
     * without columns has no CSV records at all (a record cannot have zero fields). Unless {@code raw},
     * names and values that a spreadsheet would run as formulas are neutralised ({@link CsvFormulas}).
     */
    static String csv(Snapshot snapshot, boolean raw) {
        List<Column> columns = snapshot.columns();
        CsvWriter csv = raw ? new CsvWriter() : CsvWriter.forSpreadsheets();
        if (columns.isEmpty()) {
            return csv.toString();
        }
        csv.record(columns.stream().map(Column::name).toList());
        for (Row row : snapshot.rows()) {
            List<String> fields = new ArrayList<>(columns.size());
            for (Column column : columns) {
                Cell cell = row.cells().get(column.id());
                fields.add(cell == null ? null : cell.value());
            }
            csv.record(fields);
        }
        return csv.toString();
    }
}
