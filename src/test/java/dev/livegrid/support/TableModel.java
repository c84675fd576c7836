package dev.livegrid.support;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client's copy of a sheet as the wire protocol describes it: columns in order, rows in order by
 * id, and cells (value, version) by column id, at a sheet version. Built from a full {@code welcome}
 * and moved forward by the {@code op} of every {@code applied} message, exactly as a browser client
 * would. Two models are equal when version, columns (ids and names, in order), row order and every
 * cell (value and version) are equal.
 * <p>
 * An op that does not fit the model (an edit of a row the model does not have...) means this client
 * and the server disagree: {@link #apply} throws {@link IllegalStateException}. Not thread-safe.
 */
public final class TableModel {

    /** A cell: its value (null: empty) and the version that last wrote it. */
    public record Cell(String value, long version) {
    }

    /** A column: stable id and display name. */
    public record Column(String id, String name) {
    }

    private long version;
    private final List<Column> columns = new ArrayList<>();
    private final List<String> rowOrder = new ArrayList<>();
    private final Map<String, Map<String, Cell>> rows = new HashMap<>();

    /** The sheet's incarnation from the welcome (null if it had none); not part of equality. */
    private String incarnation;

    private TableModel() {
    }

    /** The incarnation of the sheet this table came from, as its welcome gave it. */
    public String incarnation() {
        return incarnation;
    }

    /** The table of a full {@code welcome} message (one with columns and rows). */
    public static TableModel fromWelcome(JsonObject welcome) {
        if (!welcome.containsKey("columns") || !welcome.containsKey("rows")) {
            throw new IllegalArgumentException("not a full welcome: " + welcome);
        }
        TableModel model = new TableModel();
        model.version = welcome.getJsonNumber("version").longValueExact();
        model.incarnation = welcome.getString("incarnation", null);
        for (JsonValue c : welcome.getJsonArray("columns")) {
            JsonObject column = c.asJsonObject();
            model.columns.add(new Column(column.getString("id"), column.getString("name")));
        }
        for (JsonValue r : welcome.getJsonArray("rows")) {
            JsonObject row = r.asJsonObject();
            Map<String, Cell> cells = new HashMap<>();
            for (Map.Entry<String, JsonValue> cell : row.getJsonObject("cells").entrySet()) {
                JsonObject c = cell.getValue().asJsonObject();
                long version = c.getJsonNumber("version").longValueExact();
                cells.put(cell.getKey(), new Cell(stringOrNull(c, "value"), version));
            }
            model.rowOrder.add(row.getString("id"));
            model.rows.put(row.getString("id"), cells);
        }
        return model;
    }

    /** An independent copy. */
    public TableModel copy() {
        TableModel copy = new TableModel();
        copy.version = version;
        copy.incarnation = incarnation;
        copy.columns.addAll(columns);
        copy.rowOrder.addAll(rowOrder);
        rows.forEach((id, cells) -> copy.rows.put(id, new HashMap<>(cells)));
        return copy;
    }

    /**
     * Applies the {@code op} of an {@code applied} message as version {@code at}.
     *
     * @throws IllegalStateException if the op does not fit this table (the client has diverged)
     */
    public void apply(JsonObject op, long at) {
        if (at <= version) {
            throw new IllegalStateException("version " + at + " applied on a table already at " + version);
        }
        change(op, at);
        version = at;
    }

    private void change(JsonObject op, long at) {
        String type = op.getString("type");
        switch (type) {
            case "batch" -> op.getJsonArray("ops").getValuesAs(JsonObject.class).forEach(sub -> change(sub, at));
            case "edit" -> cellsOf(op.getString("row"), op)
                    .put(requireColumn(op.getString("col"), op), new Cell(stringOrNull(op, "value"), at));
            case "insertRow" -> {
                String id = op.getString("row");
                if (rows.containsKey(id)) {
                    throw new IllegalStateException("row " + id + " inserted twice: " + op);
                }
                String after = stringOrNull(op, "after");
                int at0 = after == null ? 0 : indexOfRow(after, op) + 1;
                Map<String, Cell> cells = new HashMap<>();
                JsonObject given = op.containsKey("cells") ? op.getJsonObject("cells") : JsonValue.EMPTY_JSON_OBJECT;
                for (String col : given.keySet()) {
                    cells.put(requireColumn(col, op), new Cell(stringOrNull(given, col), at));
                }
                rowOrder.add(at0, id);
                rows.put(id, cells);
            }
            case "deleteRow" -> {
                String id = op.getString("row");
                rowOrder.remove(indexOfRow(id, op));
                rows.remove(id);
            }
            case "addColumn" -> {
                String id = op.getString("col");
                if (indexOfColumn(id) >= 0) {
                    throw new IllegalStateException("column " + id + " added twice: " + op);
                }
                String after = stringOrNull(op, "after");
                int at0 = after == null ? 0 : indexOfColumn(requireColumn(after, op)) + 1;
                columns.add(at0, new Column(id, op.getString("name")));
            }
            case "renameColumn" -> {
                String id = requireColumn(op.getString("col"), op);
                columns.set(indexOfColumn(id), new Column(id, op.getString("name")));
            }
            case "deleteColumn" -> {
                String id = requireColumn(op.getString("col"), op);
                columns.remove(indexOfColumn(id));
                rows.values().forEach(cells -> cells.remove(id));
            }
            default -> throw new IllegalStateException("unknown op type " + type + ": " + op);
        }
    }

    public long version() {
        return version;
    }

    public List<Column> columns() {
        return List.copyOf(columns);
    }

    public List<String> columnIds() {
        return columns.stream().map(Column::id).toList();
    }

    public List<String> rowIds() {
        return List.copyOf(rowOrder);
    }

    /** The cell, or null when it was never written (or its column was deleted). */
    public Cell cell(String row, String col) {
        Map<String, Cell> cells = rows.get(row);
        return cells == null ? null : cells.get(col);
    }

    /** The version a compare-and-set edit of this cell should name: its version, 0 if never written. */
    public long baseOf(String row, String col) {
        Cell cell = cell(row, col);
        return cell == null ? 0 : cell.version();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableModel other && version == other.version && columns.equals(other.columns)
                && rowOrder.equals(other.rowOrder) && rows.equals(other.rows);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, columns, rowOrder, rows);
    }

    /** A readable dump (row order, columns, cells in column order; long values shortened). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("v").append(version).append(" columns=").append(columns).append('\n');
        for (String row : rowOrder) {
            out.append("  ").append(row).append(':');
            Map<String, Cell> cells = new LinkedHashMap<>();
            columns.forEach(c -> {
                Cell cell = rows.get(row).get(c.id());
                if (cell != null) {
                    cells.put(c.id(), cell);
                }
            });
            rows.get(row).forEach((col, cell) -> cells.putIfAbsent(col + "(no such column!)", cell));
            cells.forEach((col, cell) -> out.append(' ').append(col).append('=').append(shorten(cell.value()))
                    .append('@').append(cell.version()));
            out.append('\n');
        }
        return out.toString();
    }

    /** The first difference from {@code other}, for assertion messages; null when equal. */
    public String firstDifference(TableModel other) {
        if (version != other.version) {
            return "version " + version + " vs " + other.version;
        }
        if (!columns.equals(other.columns)) {
            return "columns " + columns + " vs " + other.columns;
        }
        if (!rowOrder.equals(other.rowOrder)) {
            return "row order " + rowOrder + " vs " + other.rowOrder;
        }
        for (String row : rowOrder) {
            if (!rows.get(row).equals(other.rows.get(row))) {
                return "row " + row + ": " + rows.get(row) + " vs " + other.rows.get(row);
            }
        }
        return null;
    }

    private Map<String, Cell> cellsOf(String row, JsonObject op) {
        Map<String, Cell> cells = rows.get(row);
        if (cells == null) {
            throw new IllegalStateException("no row " + row + " in this client's table at v" + version + ": " + op);
        }
        return cells;
    }

    private int indexOfRow(String row, JsonObject op) {
        int index = rowOrder.indexOf(row);
        if (index < 0) {
            throw new IllegalStateException("no row " + row + " in this client's table at v" + version + ": " + op);
        }
        return index;
    }

    private int indexOfColumn(String col) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).id().equals(col)) {
                return i;
            }
        }
        return -1;
    }

    private String requireColumn(String col, JsonObject op) {
        if (indexOfColumn(col) < 0) {
            throw new IllegalStateException("no column " + col + " in this client's table at v" + version + ": " + op);
        }
        return col;
    }

    private static String stringOrNull(JsonObject o, String key) {
        return !o.containsKey(key) || o.isNull(key) ? null : o.getString(key);
    }

    private static String shorten(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 24 ? '"' + value + '"' : '"' + value.substring(0, 12) + "…(" + value.length() + ")\"";
    }
}
