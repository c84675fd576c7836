package dev.livegrid.store;

import dev.livegrid.sheet.Snapshot;

/** One thing a commit writes. */
public sealed interface Change {

    String sheetId();

    /** An applied op of a sheet, with the sheet's size after it (for listings). */
    record Applied(String sheetId, LoggedOp op, int rows, int columns) implements Change {
    }

    /**
     * A snapshot of a sheet; ops with versions below {@code keepFrom} are dropped with it (they are
     * in the snapshot and older than the resume window).
     */
    record Snapshotted(Snapshot snapshot, long keepFrom) implements Change {
        @Override
        public String sheetId() {
            return snapshot.sheet();
        }
    }
}
