package dev.livegrid.sheet;

/** A cell's value (null: empty) and the sheet version of the op that last wrote it. */
public record Cell(String value, long version) {
}
