package dev.livegrid.sheet;

import java.util.Map;

/**
 * A change to a sheet. As requested by a client the assigned ids ({@code InsertRow.row},
 * {@code AddColumn.col}) are null and {@code Edit.base} may be set; as applied, the ids are filled in
 * and {@code base} is null.
 */
public sealed interface Op {

    /** Sets one cell; {@code value} null empties it; {@code base} set makes it a compare-and-set. */
    record Edit(String row, String col, String value, Long base) implements Op {
    }

    /** Inserts a row after {@code after} (null: at the start) with some cells filled. */
    record InsertRow(String row, String after, Map<String, String> cells) implements Op {
        public InsertRow {
            cells = cells == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cells));
        }
    }

    record DeleteRow(String row) implements Op {
    }

    /** Adds a column named {@code name} after {@code after} (null: at the start). */
    record AddColumn(String col, String name, String after) implements Op {
    }

    record RenameColumn(String col, String name) implements Op {
    }

    record DeleteColumn(String col) implements Op {
    }
}
