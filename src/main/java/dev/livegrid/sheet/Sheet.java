package dev.livegrid.sheet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table: ordered columns, ordered rows by stable id, and cells that remember the version that
 * last wrote them. {@link #apply} checks an op and, if it holds, applies it as version + 1.
 * <p>
 * Not thread-safe: a sheet is owned by its room's sequencer. Ids the server assigns are derived from
 * the version of the op that creates them ({@code r12}, {@code c13}), so they are never reused, even
 * after a delete, without any counter to keep.
 */
public final class Sheet {

    /** Characters (code points) allowed in a column name. */
    public static final int MAX_NAME_LENGTH = 200;

    private final String id;
    private String incarnation = Snapshot.LEGACY_INCARNATION;
    private final Limits limits;
    private long version;
    /** What {@link SheetSize} counts for everything in the sheet, kept up to date by every change. */
    private long size;
    private final List<Column> columns = new ArrayList<>();
    private final List<String> rowOrder = new ArrayList<>();
    private final Map<String, Map<String, Cell>> rows = new HashMap<>();

    public Sheet(String id, Limits limits) {
        this.id = id;
        this.limits = limits;
    }

    /** A sheet restored at {@code snapshot}'s version. */
    public static Sheet of(Snapshot snapshot, Limits limits) {
        Sheet sheet = new Sheet(snapshot.sheet(), limits);
        sheet.incarnation = snapshot.incarnation();
        sheet.version = snapshot.version();
        sheet.size = SheetSize.of(snapshot);
        sheet.columns.addAll(snapshot.columns());
        for (Row row : snapshot.rows()) {
            sheet.rowOrder.add(row.id());
            sheet.rows.put(row.id(), new LinkedHashMap<>(row.cells()));
        }
        return sheet;
    }

    public String id() {
        return id;
    }

    /** This life of the sheet id (see {@link Snapshot#incarnation()}). */
    public String incarnation() {
        return incarnation;
    }

    public long version() {
        return version;
    }

    /** The sheet's size as {@link SheetSize} counts it. */
    public long size() {
        return size;
    }

    public int rowCount() {
        return rowOrder.size();
    }

    public int columnCount() {
        return columns.size();
    }

    /** The id of the row at a 0-based position, or null (only the legacy HTTP edge addresses by index). */
    public String rowIdAt(int index) {
        return index >= 0 && index < rowOrder.size() ? rowOrder.get(index) : null;
    }

    /** The id of the column with this id or, failing that, this name; null if neither. */
    public String columnIdByIdOrName(String idOrName) {
        for (Column c : columns) {
            if (c.id().equals(idOrName)) {
                return c.id();
            }
        }
        return columns.stream().filter(c -> c.name().equals(idOrName)).map(Column::id).findFirst().orElse(null);
    }

    /** Why {@code row}/{@code col} does not name a cell of this sheet, or null if it does. */
    public Rejection checkCell(String row, String col) {
        return firstOf(row(row), column(col));
    }

    public Snapshot snapshot() {
        List<Row> copy = new ArrayList<>(rowOrder.size());
        for (String rowId : rowOrder) {
            copy.add(new Row(rowId, rows.get(rowId)));
        }
        return new Snapshot(id, incarnation, version, columns, copy);
    }

    /** Applies the op as the next version, or says why not; a rejected op changes nothing. */
    public Outcome apply(Op op) {
        Rejection rejection = check(op);
        if (rejection != null) {
            return new Outcome.Rejected(rejection);
        }
        long next = version + 1;
        Op applied = change(op, next);
        version = next;
        return new Outcome.Applied(next, applied);
    }

    private Rejection check(Op op) {
        if (op instanceof Op.Edit e) {
            Rejection cell = firstOf(row(e.row()), column(e.col()), value(e.value()));
            // base and growth read the cell: only once it exists
            return cell != null ? cell : firstOf(base(e), growth(SheetSize.cell(e.value()) - cellSize(e.row(), e.col())));
        } else if (op instanceof Op.InsertRow r) {
            return firstOf(optionalRow(r.after()), cells(r.cells()), rowOrder.size() >= limits.maxRows()
                    ? Rejection.of(Reason.TOO_LARGE, "the sheet already has " + limits.maxRows() + " rows") : null,
                    growth(rowSize(r.cells())));
        } else if (op instanceof Op.DeleteRow d) {
            return row(d.row());
        } else if (op instanceof Op.AddColumn a) {
            return firstOf(optionalColumn(a.after()), name(a.name()), columns.size() >= limits.maxColumns()
                    ? Rejection.of(Reason.TOO_LARGE, "the sheet already has " + limits.maxColumns() + " columns") : null,
                    growth(SheetSize.column(a.name())));
        } else if (op instanceof Op.RenameColumn r) {
            Rejection named = firstOf(column(r.col()), name(r.name()));
            return named != null ? named
                    : growth(SheetSize.column(r.name()) - SheetSize.column(columns.get(indexOfColumn(r.col())).name()));
        } else {
            return column(((Op.DeleteColumn) op).col());
        }
    }

    /** Refuses an op that would grow the sheet past its size limit (shrinking is always allowed). */
    private Rejection growth(long delta) {
        return delta > 0 && size + delta > limits.maxSheetSize()
                ? Rejection.of(Reason.TOO_LARGE, "the sheet would exceed its size limit of " + limits.maxSheetSize()
                + " bytes (max-sheet-size); it holds " + size)
                : null;
    }

    private long cellSize(String rowId, String colId) {
        Cell cell = rows.get(rowId).get(colId);
        return cell == null ? 0 : SheetSize.cell(cell.value());
    }

    private static long rowSize(Map<String, String> cells) {
        long bytes = SheetSize.ROW;
        for (String value : cells.values()) {
            bytes += SheetSize.cell(value);
        }
        return bytes;
    }

    /** Applies a checked op; returns it as applied. */
    private Op change(Op op, long next) {
        if (op instanceof Op.Edit e) {
            return edit(e, next);
        } else if (op instanceof Op.InsertRow r) {
            return insertRow(r, next);
        } else if (op instanceof Op.DeleteRow d) {
            return deleteRow(d);
        } else if (op instanceof Op.AddColumn a) {
            return addColumn(a, next);
        } else if (op instanceof Op.RenameColumn r) {
            return renameColumn(r);
        } else {
            return deleteColumn((Op.DeleteColumn) op);
        }
    }

    private Op edit(Op.Edit e, long next) {
        size += SheetSize.cell(e.value()) - cellSize(e.row(), e.col());
        rows.get(e.row()).put(e.col(), new Cell(e.value(), next));
        return new Op.Edit(e.row(), e.col(), e.value(), null);
    }

    private Op insertRow(Op.InsertRow r, long next) {
        String rowId = "r" + next;
        Map<String, Cell> cells = new LinkedHashMap<>();
        r.cells().forEach((col, value) -> cells.put(col, new Cell(value, next)));
        rowOrder.add(r.after() == null ? 0 : rowOrder.indexOf(r.after()) + 1, rowId);
        rows.put(rowId, cells);
        size += rowSize(r.cells());
        return new Op.InsertRow(rowId, r.after(), r.cells());
    }

    private Op deleteRow(Op.DeleteRow d) {
        rowOrder.remove(d.row());
        Map<String, Cell> removed = rows.remove(d.row());
        size -= SheetSize.ROW;
        removed.values().forEach(cell -> size -= SheetSize.cell(cell.value()));
        return d;
    }

    private Op addColumn(Op.AddColumn a, long next) {
        String colId = "c" + next;
        columns.add(a.after() == null ? 0 : indexOfColumn(a.after()) + 1, new Column(colId, a.name()));
        size += SheetSize.column(a.name());
        return new Op.AddColumn(colId, a.name(), a.after());
    }

    private Op renameColumn(Op.RenameColumn r) {
        int index = indexOfColumn(r.col());
        size += SheetSize.column(r.name()) - SheetSize.column(columns.get(index).name());
        columns.set(index, new Column(r.col(), r.name()));
        return r;
    }

    private Op deleteColumn(Op.DeleteColumn d) {
        size -= SheetSize.column(columns.remove(indexOfColumn(d.col())).name());
        for (Map<String, Cell> cells : rows.values()) {
            Cell removed = cells.remove(d.col());
            if (removed != null) {
                size -= SheetSize.cell(removed.value());
            }
        }
        return d;
    }

    private int indexOfColumn(String colId) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).id().equals(colId)) {
                return i;
            }
        }
        return -1;
    }

    private Rejection row(String rowId) {
        if (!Ids.isValid(rowId)) {
            return Rejection.of(Reason.INVALID, "row must be an id of 1-64 characters [A-Za-z0-9_-]");
        }
        return rows.containsKey(rowId) ? null : Rejection.of(Reason.NO_SUCH_ROW, "no row " + rowId);
    }

    private Rejection optionalRow(String rowId) {
        return rowId == null ? null : row(rowId);
    }

    private Rejection column(String colId) {
        if (!Ids.isValid(colId)) {
            return Rejection.of(Reason.INVALID, "col must be an id of 1-64 characters [A-Za-z0-9_-]");
        }
        return indexOfColumn(colId) >= 0 ? null : Rejection.of(Reason.NO_SUCH_COLUMN, "no column " + colId);
    }

    private Rejection optionalColumn(String colId) {
        return colId == null ? null : column(colId);
    }

    private Rejection value(String value) {
        if (value == null) {
            return null;
        }
        if (!UnicodeText.isWellFormed(value)) {
            return Rejection.of(Reason.INVALID, "a value must be valid Unicode text (it has a lone surrogate)");
        }
        // Code points, as the page counts them: beyond maxValueLength UTF-16 units the count is never lower.
        return value.length() > limits.maxValueLength() && UnicodeText.length(value) > limits.maxValueLength()
                ? Rejection.of(Reason.TOO_LARGE, "a value may have at most " + limits.maxValueLength() + " characters")
                : null;
    }

    private Rejection cells(Map<String, String> cells) {
        for (Map.Entry<String, String> cell : cells.entrySet()) {
            Rejection r = firstOf(column(cell.getKey()), value(cell.getValue()));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private Rejection name(String name) {
        if (name == null || name.isBlank()) {
            return Rejection.of(Reason.INVALID, "a column needs a non-blank name");
        }
        if (!UnicodeText.isWellFormed(name) || name.chars().anyMatch(Character::isISOControl)) {
            return Rejection.of(Reason.INVALID, "a column name must be valid Unicode text without control characters");
        }
        return name.length() > MAX_NAME_LENGTH && UnicodeText.length(name) > MAX_NAME_LENGTH
                ? Rejection.of(Reason.TOO_LARGE, "a column name may have at most " + MAX_NAME_LENGTH + " characters")
                : null;
    }

    private Rejection base(Op.Edit e) {
        if (e.base() == null) {
            return null;
        }
        Cell cell = rows.get(e.row()).get(e.col());
        long current = cell == null ? 0 : cell.version();
        if (current == e.base()) {
            return null;
        }
        return new Rejection(Reason.CONFLICT, "cell changed at version " + current,
                new Rejection.CurrentCell(e.row(), e.col(), cell == null ? null : cell.value(), current));
    }

    private static Rejection firstOf(Rejection... checks) {
        for (Rejection r : checks) {
            if (r != null) {
                return r;
            }
        }
        return null;
    }
}
