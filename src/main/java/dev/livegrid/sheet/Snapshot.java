package dev.livegrid.sheet;

import java.util.List;

/**
 * An immutable copy of a whole sheet at one version. {@code incarnation} names this life of the sheet
 * id: a sheet deleted and created again starts at version 0 with a new incarnation, so a version, an
 * ETag or a resume point is only meaningful together with it. Sheets stored before incarnations
 * existed have {@link #LEGACY_INCARNATION}.
 */
public record Snapshot(String sheet, String incarnation, long version, List<Column> columns, List<Row> rows) {

    /** The incarnation of a sheet stored without one. */
    public static final String LEGACY_INCARNATION = "0";

    public Snapshot {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** This snapshot as the first of a new life of its sheet id. */
    public Snapshot withIncarnation(String newIncarnation) {
        return new Snapshot(sheet, newIncarnation, version, columns, rows);
    }
}
