package dev.livegrid.sheet;

/**
 * How large a sheet may grow.
 *
 * @param maxRows        rows per sheet
 * @param maxColumns     columns per sheet
 * @param maxValueLength characters per cell value
 */
public record Limits(int maxRows, int maxColumns, int maxValueLength) {

    public static final Limits DEFAULT = new Limits(10_000, 100, 10_000);
}
