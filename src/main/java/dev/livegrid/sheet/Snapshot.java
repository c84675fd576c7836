package dev.livegrid.sheet;

import java.util.List;

/** An immutable copy of a whole sheet at one version. */
public record Snapshot(String sheet, long version, List<Column> columns, List<Row> rows) {

    public Snapshot {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
