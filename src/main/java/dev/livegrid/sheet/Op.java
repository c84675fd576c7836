package dev.livegrid.sheet;

import java.util.List;
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

    /** Deletes a row; {@code base} set makes it conditional: refused if any of its cells was written after {@code base}. */
    record DeleteRow(String row, Long base) implements Op {
        public DeleteRow(String row) {
            this(row, null);
        }
    }

    /** Adds a column named {@code name} after {@code after} (null: at the start). */
    record AddColumn(String col, String name, String after) implements Op {
    }

    record RenameColumn(String col, String name) implements Op {
    }

    /** Deletes a column; {@code base} set makes it conditional, as for {@link DeleteRow}. */
    record DeleteColumn(String col, Long base) implements Op {
        public DeleteColumn(String col) {
            this(col, null);
        }
    }

    /**
     * Several ops applied together at one version, or not at all (see {@link Sheet}). As requested, a
     * field naming a row or column may be a {@link BatchRefs reference} {@code $k} to the row or column
     * that op {@code k} of the batch creates; as applied every reference is resolved and every op is
     * in its applied form.
     */
    record Batch(List<Op> ops) implements Op {
        public Batch {
            ops = List.copyOf(ops);
        }
    }
}
