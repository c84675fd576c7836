package dev.livegrid.sheet;

/** A column: a stable id and a display name. */
public record Column(String id, String name) {
}
