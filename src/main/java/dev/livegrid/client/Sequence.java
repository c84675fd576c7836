package dev.livegrid.client;

import java.util.HashSet;
import java.util.Set;

/** Where an {@code applied} message stands against the last version applied (docs/PROTOCOL.md §7.4). */
enum Sequence {
    /** The next version, or a later one with every version in between listed in {@code skipped}. */
    APPLY,
    /** Already applied: a replay after a resume, or the re-acknowledgement of a resent op. */
    STALE,
    /** Versions are missing: the client is out of sync and must resume. */
    GAP;

    static Sequence of(long lastVersion, Applied applied) {
        long version = applied.version();
        if (version <= lastVersion) {
            return STALE;
        }
        long missing = version - lastVersion - 1;
        if (missing == 0) {
            return APPLY;
        }
        if (missing > applied.skipped().size()) {
            return GAP; // they cannot all be listed
        }
        Set<Long> skipped = new HashSet<>(applied.skipped());
        for (long v = lastVersion + 1; v < version; v++) {
            if (!skipped.contains(v)) {
                return GAP;
            }
        }
        return APPLY;
    }
}
