package dev.livegrid.support;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;

/** Client → server frames of the sheet protocol, built with jakarta.json (so values are escaped). */
public final class SheetOps {

    /** Looked up once: {@code Json.createObjectBuilder} looks the provider up on every call, which is slow. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private SheetOps() {
    }

    /** An edit; {@code value} null empties the cell; {@code base} null is last-writer-wins. */
    public static String edit(String id, String row, String col, String value, Long base) {
        JsonObjectBuilder b = op("edit", id).add("row", row).add("col", col);
        if (value == null) {
            b.addNull("value");
        } else {
            b.add("value", value);
        }
        if (base != null) {
            b.add("base", base);
        }
        return b.build().toString();
    }

    /** Inserts a row after {@code after} (null: at the start) with these cells. */
    public static String insertRow(String id, String after, Map<String, String> cells) {
        JsonObjectBuilder b = op("insertRow", id);
        if (after != null) {
            b.add("after", after);
        }
        JsonObjectBuilder c = JSON.createObjectBuilder();
        cells.forEach((col, value) -> {
            if (value == null) {
                c.addNull(col);
            } else {
                c.add(col, value);
            }
        });
        return b.add("cells", c).build().toString();
    }

    public static String deleteRow(String id, String row) {
        return op("deleteRow", id).add("row", row).build().toString();
    }

    /** Adds a column after {@code after} (null: at the start). */
    public static String addColumn(String id, String name, String after) {
        JsonObjectBuilder b = op("addColumn", id).add("name", name);
        if (after != null) {
            b.add("after", after);
        }
        return b.build().toString();
    }

    public static String renameColumn(String id, String col, String name) {
        return op("renameColumn", id).add("col", col).add("name", name).build().toString();
    }

    public static String deleteColumn(String id, String col) {
        return op("deleteColumn", id).add("col", col).build().toString();
    }

    /**
     * A batch of op frames (as built by the other methods; their {@code id}s are dropped), applied at one
     * version or not at all.
     */
    public static String batch(String id, String... ops) {
        JsonArrayBuilder list = JSON.createArrayBuilder();
        for (String op : ops) {
            try (JsonReader reader = JSON.createReader(new StringReader(op))) {
                JsonObjectBuilder sub = JSON.createObjectBuilder(reader.readObject());
                list.add(sub.remove("id"));
            }
        }
        return op("batch", id).add("ops", list).build().toString();
    }

    /** A row or column delete that is refused when a cell of it was written after {@code base}. */
    public static String withBase(String op, long base) {
        try (JsonReader reader = JSON.createReader(new StringReader(op))) {
            return JSON.createObjectBuilder(reader.readObject()).add("base", base).build().toString();
        }
    }

    private static JsonObjectBuilder op(String type, String id) {
        return JSON.createObjectBuilder().add("type", type).add("id", id);
    }
}
