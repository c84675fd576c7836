package dev.livegrid.store;

import dev.livegrid.access.Role;

import dev.livegrid.sheet.Snapshot;

/** One thing a commit writes. */
public sealed interface Change {

    /**
     * A sheet's access-list entry for one user set to {@code role}, or removed when {@code role} is
     * null. Written only while the sheet exists: an entry that reaches the store after the sheet's
     * delete writes nothing.
     */
    record AccessChanged(String sheetId, String userId, Role role) implements Change {
    }

    String sheetId();

    /** An applied op of a sheet, with the sheet's size after it (for listings). */
    record Applied(String sheetId, LoggedOp op, int rows, int columns) implements Change {
    }

    /**
     * A snapshot of a sheet; ops with versions below {@code keepFrom} are dropped with it (they are
     * in the snapshot and older than the resume window). Only a {@code creates} snapshot (a new sheet's
     * first) may add the sheet; any other replaces the stored one, and is dropped if the sheet is gone,
     * so a snapshot that reaches the store after a delete can never bring the sheet back.
     */
    record Snapshotted(Snapshot snapshot, long keepFrom, boolean creates) implements Change {

        /** The first snapshot of a new sheet: writes the sheet as created. */
        public static Snapshotted creating(Snapshot snapshot) {
            return new Snapshotted(snapshot, 0, true);
        }

        /** A later snapshot of a stored sheet, dropping the ops below {@code keepFrom}. */
        public static Snapshotted compacting(Snapshot snapshot, long keepFrom) {
            return new Snapshotted(snapshot, keepFrom, false);
        }

        @Override
        public String sheetId() {
            return snapshot.sheet();
        }
    }
}
