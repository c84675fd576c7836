package dev.livegrid.store;

import dev.livegrid.sheet.Snapshot;

import java.util.List;

/**
 * A sheet as read back from the store: the newest snapshot and every op the store still keeps, in
 * version order. Ops newer than the snapshot are replayed on top of it; the last ones also fill
 * the op log that serves resume and de-duplication.
 */
public record StoredSheet(Snapshot snapshot, List<LoggedOp> ops) {

    public StoredSheet {
        ops = List.copyOf(ops);
    }
}
