package dev.livegrid.client;

import java.util.Objects;

/** A cell named by its row and column ids: where a user's cursor is. */
public record CellRef(String row, String col) {

    public CellRef {
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(col, "col");
    }
}
