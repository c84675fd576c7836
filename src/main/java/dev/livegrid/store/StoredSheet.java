package dev.livegrid.store;

import dev.livegrid.access.Role;

import java.util.Map;

import dev.livegrid.sheet.Snapshot;

import java.util.List;

/**
 * A sheet as read back from the store: the newest snapshot and every op the store still keeps, in
 * version order. Ops newer than the snapshot are replayed on top of it; the last ones also fill
 * the op log that serves resume and de-duplication. {@code access} is the sheet's access list, user
 * id to role; {@code createdAt} (epoch milliseconds, 0 when not known) tells this life of the sheet id
 * from an earlier one, for nodes sharing a database.
 */
public record StoredSheet(Snapshot snapshot, List<LoggedOp> ops, Map<String, Role> access, long createdAt) {

    public StoredSheet {
        ops = List.copyOf(ops);
        access = Map.copyOf(access);
    }

    /** A sheet whose creation time is not known. */
    public StoredSheet(Snapshot snapshot, List<LoggedOp> ops, Map<String, Role> access) {
        this(snapshot, ops, access, 0);
    }

    /** A sheet without access-list entries. */
    public StoredSheet(Snapshot snapshot, List<LoggedOp> ops) {
        this(snapshot, ops, Map.of());
    }
}
