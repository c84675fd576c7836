package dev.livegrid.store;

import java.util.List;

/**
 * Where a sheet stands in the store and the ops it keeps after a version, read in one consistent
 * snapshot of the database: what a node whose copy of the sheet fell behind reads to catch up.
 * {@code createdAt} tells this life of the sheet id from an earlier one (deleted and created again).
 */
public record SheetTail(boolean exists, long createdAt, long version, List<LoggedOp> ops) {

    public SheetTail {
        ops = List.copyOf(ops);
    }

    /** The sheet is not in the store (deleted, or never committed). */
    public static SheetTail absent() {
        return new SheetTail(false, 0, 0, List.of());
    }
}
