package dev.livegrid.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One change to a sheet, as the server applied it ({@link Applied#op()}) or as this client asked for
 * it ({@link OpRejectedException#op()}). The ids the server assigns — an inserted row's, an added
 * column's — are null in a request and set in an applied op.
 */
public sealed interface Op {

    /** The op's {@code type} on the wire, e.g. {@code edit}. */
    String type();

    /** A cell's new value; {@code value} null empties it. */
    record Edit(String row, String col, String value) implements Op {
        public Edit {
            Objects.requireNonNull(row, "row");
            Objects.requireNonNull(col, "col");
        }

        @Override
        public String type() {
            return "edit";
        }
    }

    /**
     * A new row after row {@code after} (null: at the start), with the given cell values by column id.
     * {@code row} is the id the server gave it (null in a request).
     */
    record InsertRow(String row, String after, Map<String, String> cells) implements Op {
        public InsertRow {
            cells = Values.copyAllowingNullValues(cells);
        }

        @Override
        public String type() {
            return "insertRow";
        }
    }

    record DeleteRow(String row) implements Op {
        public DeleteRow {
            Objects.requireNonNull(row, "row");
        }

        @Override
        public String type() {
            return "deleteRow";
        }
    }

    /**
     * A new column named {@code name} after column {@code after} (null: at the start). {@code col} is the
     * id the server gave it (null in a request).
     */
    record AddColumn(String col, String name, String after) implements Op {
        public AddColumn {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String type() {
            return "addColumn";
        }
    }

    record RenameColumn(String col, String name) implements Op {
        public RenameColumn {
            Objects.requireNonNull(col, "col");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String type() {
            return "renameColumn";
        }
    }

    /** Removes the column and its cells from every row. */
    record DeleteColumn(String col) implements Op {
        public DeleteColumn {
            Objects.requireNonNull(col, "col");
        }

        @Override
        public String type() {
            return "deleteColumn";
        }
    }

    /**
     * Several ops applied together at one version, or none of them. In a request a row or column id
     * may be the reference {@code $k}: the row or column op {@code k} (from 0) of the same batch
     * creates; in an applied batch every reference is resolved and the created ids are filled in.
     */
    record Batch(List<Op> ops) implements Op {
        public Batch {
            ops = List.copyOf(ops);
        }

        @Override
        public String type() {
            return "batch";
        }
    }

    /**
     * An op of a type this client does not know, from a newer server (the protocol grows by adding
     * types). It changes nothing in this client's {@link Table} but its version.
     */
    record Unknown(String type) implements Op {
        public Unknown {
            Objects.requireNonNull(type, "type");
        }
    }
}
