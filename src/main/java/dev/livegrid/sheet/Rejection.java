package dev.livegrid.sheet;

/**
 * Why an op was not applied. {@code current} is the cell as it is now, for a lost compare-and-set
 * ({@link Reason#CONFLICT}); null otherwise.
 */
public record Rejection(Reason reason, String message, CurrentCell current) {

    /** The cell an op lost to. */
    public record CurrentCell(String row, String col, String value, long version) {
    }

    public static Rejection of(Reason reason, String message) {
        return new Rejection(reason, message, null);
    }
}
