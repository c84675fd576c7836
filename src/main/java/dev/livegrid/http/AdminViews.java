package dev.livegrid.http;

import dev.livegrid.protocol.OpJson;
import dev.livegrid.sheet.CellWrites;
import dev.livegrid.sheet.Op;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.store.SheetSummary;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The bodies of the administration calls: the listing of stored sheets and a cell's history. */
final class AdminViews {

    private AdminViews() {
    }

    /** The body of {@code GET /api/sheets}. */
    public record SheetList(List<SheetEntry> sheets) {
    }

    /** One stored sheet; {@code updated} is ISO-8601 in UTC ({@code 2026-11-25T08:31:49.123Z}). */
    @JsonbPropertyOrder({"id", "version", "rows", "columns", "updated"})
    public record SheetEntry(String id, long version, int rows, int columns, String updated) {
    }

    /** The body of {@code GET /api/sheets/{id}/history}. */
    @JsonbPropertyOrder({"sheet", "row", "col", "history"})
    public record History(String sheet, String row, String col, List<HistoryEntry> history) {
    }

    /** One value the cell had: from the op that made {@code version}; a null value is an emptied cell. */
    @JsonbPropertyOrder({"version", "value", "by", "at"})
    public record HistoryEntry(long version, @JsonbNillable String value, String by, String at) {
    }

    static SheetList list(List<SheetSummary> summaries) {
        return new SheetList(summaries.stream()
                .map(s -> new SheetEntry(s.id(), s.version(), s.rows(), s.columns(), iso(s.updated())))
                .toList());
    }

    /**
     * The cell's values from the ops that wrote it: an {@code edit} of the cell, or the
     * {@code insertRow} that created its row with a value for the column, on their own or in a batch. The value is read from
     * the logged {@code applied} message, i.e. the op as it was applied (with the row id it was
     * given). Any other op is left out.
     */
    static History history(String sheet, String row, String col, List<LoggedOp> ops) {
        List<HistoryEntry> entries = new ArrayList<>(ops.size());
        for (LoggedOp op : ops) {
            for (Op write : CellWrites.of(OpJson.readApplied(op.appliedText()), row, col)) {
                entries.add(new HistoryEntry(op.version(), CellWrites.value(write, col), op.by(), iso(op.at())));
            }
        }
        return new History(sheet, row, col, entries);
    }

    /** ISO-8601 in UTC, as {@link Instant#toString()} writes it (fractional seconds only when there are any). */
    private static String iso(Instant instant) {
        return instant.toString();
    }
}
