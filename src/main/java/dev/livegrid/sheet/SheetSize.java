package dev.livegrid.sheet;

/**
 * The size of a sheet, counted so that it bounds what the sheet costs to hold and to send whole: the
 * UTF-8 bytes of every value and column name plus a fixed allowance per cell, row and column for ids,
 * versions and JSON punctuation. It is close to the size of the sheet's JSON (a welcome, a snapshot)
 * for ordinary text; characters JSON escapes (quotes, control characters) cost more there.
 */
public final class SheetSize {

    /** Allowance of a cell beside its value: {@code "c123":{"value":"","version":123456},}. */
    static final long CELL = 40;
    /** Allowance of a row beside its cells: {@code {"id":"r123456","cells":{}},}. */
    static final long ROW = 32;
    /** Allowance of a column beside its name: {@code {"id":"c123456","name":""},}. */
    static final long COLUMN = 32;

    private SheetSize() {
    }

    static long cell(String value) {
        return CELL + (value == null ? 0 : UnicodeText.utf8Length(value));
    }

    static long column(String name) {
        return COLUMN + (name == null ? 0 : UnicodeText.utf8Length(name));
    }

    /** The size of a whole snapshot. */
    public static long of(Snapshot snapshot) {
        long size = 0;
        for (Column c : snapshot.columns()) {
            size += column(c.name());
        }
        for (Row row : snapshot.rows()) {
            size += ROW;
            for (Cell cell : row.cells().values()) {
                size += cell(cell.value());
            }
        }
        return size;
    }
}
