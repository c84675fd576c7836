package dev.livegrid.store;

import java.time.Instant;

/** One stored sheet in a listing: id, version, size and last change. */
public record SheetSummary(String id, long version, int rows, int columns, Instant updated) {
}
