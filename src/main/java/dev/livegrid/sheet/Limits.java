package dev.livegrid.sheet;

/**
 * How large a sheet may grow. The limits apply to new ops only: a stored sheet always loads, even
 * after a limit was lowered.
 *
 * @param maxRows        rows per sheet
 * @param maxColumns     columns per sheet
 * @param maxValueLength characters (code points) per cell value
 * @param maxSheetSize   the sheet's size as {@link SheetSize} counts it (about its JSON in bytes)
 * @param maxOpSize      a batch's size as applied, as {@link OpSize} counts it (about its {@code applied}
 *                       message in bytes): half a reader's outbox, so one op never fills it
 */
public record Limits(int maxRows, int maxColumns, int maxValueLength, long maxSheetSize, long maxOpSize) {

    /** Half of the default {@code outbox-limit} (1 MiB). */
    public static final long DEFAULT_MAX_OP_SIZE = 512 * 1024;
    public static final Limits DEFAULT = new Limits(10_000, 100, 10_000, 64L * 1024 * 1024);
    /** No limit at all: for replaying ops that were accepted under whatever limits held then. */
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
            Long.MAX_VALUE);

    public Limits(int maxRows, int maxColumns, int maxValueLength, long maxSheetSize) {
        this(maxRows, maxColumns, maxValueLength, maxSheetSize, DEFAULT_MAX_OP_SIZE);
    }

    public Limits(int maxRows, int maxColumns, int maxValueLength) {
        this(maxRows, maxColumns, maxValueLength, Long.MAX_VALUE);
    }
}
