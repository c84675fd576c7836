package dev.livegrid.sheet;

import java.util.List;

/**
 * Why an op was not applied. For a lost compare-and-set ({@link Reason#CONFLICT}) {@code conflicts}
 * lists every cell that changed since its base (at most {@link #MAX_CONFLICTS}), each as it is now,
 * and {@code current} is the first of them; both are null otherwise.
 */
public record Rejection(Reason reason, String message, CurrentCell current, List<CurrentCell> conflicts) {

    /** At most this many conflicting cells are listed in one rejection (the message gives the count). */
    public static final int MAX_CONFLICTS = 100;

    /** The cell an op lost to. */
    public record CurrentCell(String row, String col, String value, long version) {
    }

    public Rejection {
        conflicts = conflicts == null ? null : List.copyOf(conflicts);
    }

    /** A rejection naming one cell (or none). */
    public Rejection(Reason reason, String message, CurrentCell current) {
        this(reason, message, current, current == null ? null : List.of(current));
    }

    /** A conflict over these cells, listed up to {@link #MAX_CONFLICTS}. */
    public static Rejection conflict(String message, List<CurrentCell> cells) {
        List<CurrentCell> listed = cells.size() > MAX_CONFLICTS ? cells.subList(0, MAX_CONFLICTS) : cells;
        return new Rejection(Reason.CONFLICT, message, listed.get(0), listed);
    }

    public static Rejection of(Reason reason, String message) {
        return new Rejection(reason, message, null, null);
    }
}
