package dev.livegrid.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A sheet's table at one version: an immutable value, so it can be kept, compared ({@code equals}: two
 * clients that applied the same ops hold equal tables) and read from any thread.
 *
 * @param sheet       the sheet id
 * @param incarnation which life of the sheet id this is: a sheet deleted and created again starts its
 *                    versions over under a new incarnation (docs/PROTOCOL.md §7.2)
 * @param version     the number of ops applied to this incarnation of the sheet
 * @param columns     in display order
 * @param rows        in display order
 */
public record Table(String sheet, String incarnation, long version, List<Column> columns, List<Row> rows) {

    public Table {
        Objects.requireNonNull(sheet, "sheet");
        Objects.requireNonNull(incarnation, "incarnation");
        columns = Values.copy(columns);
        rows = Values.copy(rows);
    }

    /** A column: its stable id and its display name. */
    public record Column(String id, String name) {
        public Column {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A row: its stable id and its written cells by column id (a cell never written is absent). */
    public record Row(String id, Map<String, Cell> cells) {
        public Row {
            Objects.requireNonNull(id, "id");
            cells = Values.copyAllowingNullValues(cells);
        }

        /** The cell's value; null when empty or never written. */
        public String value(String col) {
            Cell cell = cells.get(col);
            return cell == null ? null : cell.value();
        }
    }

    /**
     * A written cell.
     *
     * @param value   its text, or null when an edit emptied it
     * @param version the version of the op that last wrote it: the {@code base} to give a compare-and-set edit
     */
    public record Cell(String value, long version) {
    }

    /** The row with this id. */
    public Optional<Row> row(String id) {
        return rows.stream().filter(row -> row.id().equals(id)).findFirst();
    }

    /** The column with this id. */
    public Optional<Column> column(String id) {
        return columns.stream().filter(column -> column.id().equals(id)).findFirst();
    }

    /** The written cell at this row and column; empty when the row, the column or the cell is unknown. */
    public Optional<Cell> cell(String row, String col) {
        return row(row).map(r -> r.cells().get(col));
    }

    /** The value at this row and column; null when empty, never written, or unknown. */
    public String value(String row, String col) {
        return cell(row, col).map(Cell::value).orElse(null);
    }

    /**
     * The {@code base} that a compare-and-set edit of this cell needs: the cell's version, 0 for a cell never
     * written (the server counts those as version 0).
     */
    public long versionOf(String row, String col) {
        return cell(row, col).map(Cell::version).orElse(0L);
    }

    /** Row ids in display order. */
    public List<String> rowIds() {
        return rows.stream().map(Row::id).toList();
    }

    /** Column ids in display order. */
    public List<String> columnIds() {
        return columns.stream().map(Column::id).toList();
    }

    /** Whether both the row and the column exist (the cell itself may never have been written). */
    public boolean hasCell(String row, String col) {
        return row(row).isPresent() && column(col).isPresent();
    }

    /**
     * This table after {@code op} was applied as {@code version}, exactly as livegrid.js applies it: an op
     * on a row or column this table does not have changes nothing but the version, so a late or odd
     * message can never throw.
     */
    Table apply(Op op, long version) {
        if (op instanceof Op.Edit edit) {
            return edit(edit, version);
        }
        if (op instanceof Op.InsertRow insert) {
            return insertRow(insert, version);
        }
        if (op instanceof Op.DeleteRow delete) {
            return new Table(sheet, incarnation, version, columns,
                    rows.stream().filter(row -> !row.id().equals(delete.row())).toList());
        }
        if (op instanceof Op.AddColumn add) {
            return column(add.col()).isPresent() ? at(version)
                    : new Table(sheet, incarnation, version,
                            insertAfter(columns, new Column(add.col(), add.name()), add.after(), Column::id), rows);
        }
        if (op instanceof Op.RenameColumn rename) {
            return new Table(sheet, incarnation, version, columns.stream()
                    .map(c -> c.id().equals(rename.col()) ? new Column(c.id(), rename.name()) : c).toList(), rows);
        }
        if (op instanceof Op.DeleteColumn delete) {
            return deleteColumn(delete.col(), version);
        }
        if (op instanceof Op.Batch batch) {
            Table table = this;
            for (Op each : batch.ops()) {
                table = table.apply(each, version);
            }
            return table.at(version);
        }
        return at(version);
    }

    private Table at(long newVersion) {
        return new Table(sheet, incarnation, newVersion, columns, rows);
    }

    private Table edit(Op.Edit edit, long newVersion) {
        if (column(edit.col()).isEmpty()) {
            return at(newVersion);
        }
        return withRow(edit.row(), newVersion, row -> {
            Map<String, Cell> cells = new LinkedHashMap<>(row.cells());
            cells.put(edit.col(), new Cell(edit.value(), newVersion));
            return new Row(row.id(), cells);
        });
    }

    private Table insertRow(Op.InsertRow insert, long newVersion) {
        if (insert.row() == null || row(insert.row()).isPresent()) {
            return at(newVersion);
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        insert.cells().forEach((col, value) -> {
            if (column(col).isPresent()) {
                cells.put(col, new Cell(value, newVersion));
            }
        });
        return new Table(sheet, incarnation, newVersion, columns,
                insertAfter(rows, new Row(insert.row(), cells), insert.after(), Row::id));
    }

    private Table deleteColumn(String col, long newVersion) {
        if (column(col).isEmpty()) {
            return at(newVersion);
        }
        List<Row> without = rows.stream().map(row -> {
            if (!row.cells().containsKey(col)) {
                return row;
            }
            Map<String, Cell> cells = new LinkedHashMap<>(row.cells());
            cells.remove(col);
            return new Row(row.id(), cells);
        }).toList();
        return new Table(sheet, incarnation, newVersion,
                columns.stream().filter(c -> !c.id().equals(col)).toList(), without);
    }

    private Table withRow(String id, long newVersion, UnaryOperator<Row> change) {
        List<Row> changed = new ArrayList<>(rows);
        for (int i = 0; i < changed.size(); i++) {
            if (changed.get(i).id().equals(id)) {
                changed.set(i, change.apply(changed.get(i)));
                return new Table(sheet, incarnation, newVersion, columns, changed);
            }
        }
        return at(newVersion);
    }

    /** A copy of {@code list} with {@code item} after the element whose id is {@code after}: null → first, unknown → last. */
    private static <T> List<T> insertAfter(List<T> list, T item, String after, Function<T, String> id) {
        List<T> result = new ArrayList<>(list.size() + 1);
        if (after == null) {
            result.add(item);
            result.addAll(list);
            return result;
        }
        boolean placed = false;
        for (T element : list) {
            result.add(element);
            if (!placed && id.apply(element).equals(after)) {
                result.add(item);
                placed = true;
            }
        }
        if (!placed) {
            result.add(item);
        }
        return result;
    }
}
