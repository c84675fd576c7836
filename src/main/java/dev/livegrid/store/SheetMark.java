package dev.livegrid.store;

/** A stored sheet's committed version and when this life of it was created: enough to tell whether a copy is behind. */
public record SheetMark(long version, long createdAt) {
}
