package dev.livegrid.sheet;

import java.util.Map;

/** A row as seen in a snapshot: its stable id and its written cells by column id. */
public record Row(String id, Map<String, Cell> cells) {

    public Row {
        cells = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cells));
    }
}
