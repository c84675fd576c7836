package dev.livegrid.sheet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One table: ordered columns, ordered rows by stable id, and cells that remember the version that
 * last wrote them. {@link #apply} checks an op and, if it holds, applies it as version + 1.
 * <p>
 * Not thread-safe: a sheet is owned by its room's sequencer. Ids the server assigns are derived from
 * the version of the op that creates them ({@code r12}, {@code c13}; op 3 of a batch at version 12
 * creates {@code r12-3}), so they are never reused, even after a delete, without any counter to keep.
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
    /** While a batch is being applied: how to undo each change it made so far, newest first; else null. */
    private Deque<Runnable> undoLog;

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
        if (op instanceof Op.Batch batch) {
            return applyBatch(batch);
        }
        Rejection rejection = check(op);
        if (rejection != null) {
            return new Outcome.Rejected(rejection);
        }
        long next = version + 1;
        Op applied = change(op, next, -1);
        version = next;
        return new Outcome.Applied(next, applied);
    }

    /**
     * Applies a batch's ops one after another at one version, or none of them. Each op is checked
     * against the sheet as the ops before it left it, so a batch may fill the column it adds; a
     * {@code base} is compared with the cell as it was before the batch (a cell may be written once per
     * batch, so the two agree). Every base that fails is gathered into one {@code conflict}; any other
     * refusal stops at once. Either way the changes made so far are undone from {@link #undoLog}.
     */
    private Outcome applyBatch(Op.Batch batch) {
        if (batch.ops().isEmpty()) {
            return new Outcome.Rejected(Rejection.of(Reason.INVALID, "a batch needs at least one op"));
        }
        long next = version + 1;
        long sizeBefore = size;
        undoLog = new ArrayDeque<>();
        try {
            BatchRefs refs = new BatchRefs();
            Set<String> written = new HashSet<>();
            List<Rejection.CurrentCell> conflicts = new ArrayList<>();
            List<Op> applied = new ArrayList<>(batch.ops().size());
            long opSize = OpSize.OP;
            for (int k = 0; k < batch.ops().size(); k++) {
                Op op;
                try {
                    op = refs.resolve(batch.ops().get(k));
                } catch (BatchRefs.Unresolved e) {
                    return rollBack(sizeBefore, Rejection.of(Reason.INVALID, "ops[" + k + "]: " + e.getMessage()));
                }
                Rejection rejection = firstOf(writtenTwice(op, written), check(op));
                if (rejection != null && rejection.reason() == Reason.CONFLICT) {
                    conflicts.addAll(rejection.conflicts());
                    refs.created(op); // a base-checked op creates nothing
                    continue;
                }
                if (rejection != null) {
                    return rollBack(sizeBefore, Rejection.of(rejection.reason(), "ops[" + k + "]: " + rejection.message()));
                }
                Op done = change(op, next, k);
                markWritten(done, written);
                refs.created(done);
                applied.add(done);
                opSize += OpSize.of(done);
            }
            if (!conflicts.isEmpty()) {
                // a cell can fail both its edit's base and a conditional delete's: named once
                conflicts = List.copyOf(new LinkedHashSet<>(conflicts));
                return rollBack(sizeBefore, Rejection.conflict(conflicts.size() == 1
                        ? "cell " + conflicts.get(0).row() + "/" + conflicts.get(0).col() + " changed at version "
                        + conflicts.get(0).version()
                        : conflicts.size() + " cells changed since the versions the batch was based on", conflicts));
            }
            if (opSize > limits.maxOpSize()) {
                return rollBack(sizeBefore, Rejection.of(Reason.TOO_LARGE, "the batch is about " + opSize
                        + " bytes as applied; an op may be at most " + limits.maxOpSize()
                        + " (half of outbox-limit), so split it"));
            }
            version = next;
            return new Outcome.Applied(next, new Op.Batch(applied));
        } finally {
            undoLog = null;
        }
    }

    /** Undoes what the batch changed so far, newest first, and refuses it. */
    private Outcome rollBack(long sizeBefore, Rejection why) {
        while (!undoLog.isEmpty()) {
            undoLog.pop().run();
        }
        size = sizeBefore;
        return new Outcome.Rejected(why);
    }

    /** Refuses an edit of a batch of a cell an earlier op of the same batch wrote. */
    private static Rejection writtenTwice(Op op, Set<String> written) {
        if (op instanceof Op.Edit e && !written.add(e.row() + "/" + e.col())) {
            return Rejection.of(Reason.INVALID, "cell " + e.row() + "/" + e.col() + " is written twice in one batch");
        }
        return null;
    }

    /** Notes the cells an inserted row of a batch filled (a new row's cells, written by nothing else yet). */
    private static void markWritten(Op done, Set<String> written) {
        if (done instanceof Op.InsertRow r) {
            r.cells().keySet().forEach(col -> written.add(r.row() + "/" + col));
        }
    }

    /** Remembers how to undo a change while a batch is being applied. */
    private void onUndo(Runnable undo) {
        if (undoLog != null) {
            undoLog.push(undo);
        }
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
            Rejection exists = row(d.row());
            return exists != null ? exists : unchangedSince(d.base(), "row " + d.row(), List.of(d.row()), null);
        } else if (op instanceof Op.AddColumn a) {
            return firstOf(optionalColumn(a.after()), name(a.name()), columns.size() >= limits.maxColumns()
                    ? Rejection.of(Reason.TOO_LARGE, "the sheet already has " + limits.maxColumns() + " columns") : null,
                    growth(SheetSize.column(a.name())));
        } else if (op instanceof Op.RenameColumn r) {
            Rejection named = firstOf(column(r.col()), name(r.name()));
            return named != null ? named
                    : growth(SheetSize.column(r.name()) - SheetSize.column(columns.get(indexOfColumn(r.col())).name()));
        } else if (op instanceof Op.DeleteColumn d) {
            Rejection exists = column(d.col());
            return exists != null ? exists : unchangedSince(d.base(), "column " + d.col(), rowOrder, d.col());
        }
        return Rejection.of(Reason.INVALID, "a batch cannot hold a batch");
    }

    /**
     * A delete's compare-and-set: a conflict naming every cell of {@code rowIds} (only column
     * {@code col}, or all of a row's cells when it is null) written after {@code base}; null when none
     * was, or without a base.
     */
    private Rejection unchangedSince(Long base, String what, List<String> rowIds, String col) {
        if (base == null) {
            return null;
        }
        List<Rejection.CurrentCell> changed = new ArrayList<>();
        for (String rowId : rowIds) {
            Map<String, Cell> cells = rows.get(rowId);
            cells.forEach((colId, cell) -> {
                if ((col == null || col.equals(colId)) && cell.version() > base) {
                    changed.add(new Rejection.CurrentCell(rowId, colId, cell.value(), cell.version()));
                }
            });
        }
        return changed.isEmpty() ? null : Rejection.conflict(what + " changed after version " + base + " ("
                + changed.size() + (changed.size() == 1 ? " cell)" : " cells)"), changed);
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

    /**
     * Applies a checked op; returns it as applied. {@code index} is the op's place in a batch (ids it
     * assigns are {@code r<version>-<index>}), or -1 for an op on its own ({@code r<version>}).
     */
    private Op change(Op op, long next, int index) {
        String idSuffix = index < 0 ? "" : "-" + index;
        if (op instanceof Op.Edit e) {
            return edit(e, next);
        } else if (op instanceof Op.InsertRow r) {
            return insertRow(r, next, "r" + next + idSuffix);
        } else if (op instanceof Op.DeleteRow d) {
            return deleteRow(d);
        } else if (op instanceof Op.AddColumn a) {
            return addColumn(a, "c" + next + idSuffix);
        } else if (op instanceof Op.RenameColumn r) {
            return renameColumn(r);
        } else {
            return deleteColumn((Op.DeleteColumn) op);
        }
    }

    private Op edit(Op.Edit e, long next) {
        size += SheetSize.cell(e.value()) - cellSize(e.row(), e.col());
        Map<String, Cell> cells = rows.get(e.row());
        Cell before = cells.put(e.col(), new Cell(e.value(), next));
        onUndo(() -> {
            if (before == null) {
                cells.remove(e.col());
            } else {
                cells.put(e.col(), before);
            }
        });
        return new Op.Edit(e.row(), e.col(), e.value(), null);
    }

    private Op insertRow(Op.InsertRow r, long next, String rowId) {
        Map<String, Cell> cells = new LinkedHashMap<>();
        r.cells().forEach((col, value) -> cells.put(col, new Cell(value, next)));
        rowOrder.add(r.after() == null ? 0 : rowOrder.indexOf(r.after()) + 1, rowId);
        rows.put(rowId, cells);
        size += rowSize(r.cells());
        onUndo(() -> {
            rowOrder.remove(rowId);
            rows.remove(rowId);
        });
        return new Op.InsertRow(rowId, r.after(), r.cells());
    }

    private Op deleteRow(Op.DeleteRow d) {
        int index = rowOrder.indexOf(d.row());
        rowOrder.remove(index);
        Map<String, Cell> removed = rows.remove(d.row());
        size -= SheetSize.ROW;
        removed.values().forEach(cell -> size -= SheetSize.cell(cell.value()));
        onUndo(() -> {
            rowOrder.add(index, d.row());
            rows.put(d.row(), removed);
        });
        return new Op.DeleteRow(d.row());
    }

    private Op addColumn(Op.AddColumn a, String colId) {
        columns.add(a.after() == null ? 0 : indexOfColumn(a.after()) + 1, new Column(colId, a.name()));
        size += SheetSize.column(a.name());
        onUndo(() -> columns.remove(indexOfColumn(colId)));
        return new Op.AddColumn(colId, a.name(), a.after());
    }

    private Op renameColumn(Op.RenameColumn r) {
        int index = indexOfColumn(r.col());
        Column before = columns.get(index);
        size += SheetSize.column(r.name()) - SheetSize.column(before.name());
        columns.set(index, new Column(r.col(), r.name()));
        onUndo(() -> columns.set(index, before));
        return r;
    }

    private Op deleteColumn(Op.DeleteColumn d) {
        int index = indexOfColumn(d.col());
        Column column = columns.remove(index);
        size -= SheetSize.column(column.name());
        Map<String, Cell> removedByRow = undoLog == null ? null : new HashMap<>();
        rows.forEach((rowId, cells) -> {
            Cell removed = cells.remove(d.col());
            if (removed != null) {
                size -= SheetSize.cell(removed.value());
                if (removedByRow != null) {
                    removedByRow.put(rowId, removed);
                }
            }
        });
        onUndo(() -> {
            columns.add(index, column);
            removedByRow.forEach((rowId, cell) -> rows.get(rowId).put(d.col(), cell));
        });
        return new Op.DeleteColumn(d.col());
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
