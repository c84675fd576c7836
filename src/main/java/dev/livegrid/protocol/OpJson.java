package dev.livegrid.protocol;

import dev.livegrid.sheet.Op;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An op as one JSON object, in both directions, with every field it has ({@code base} and assigned
 * ids included): how the store keeps ops, and how it reads back the {@code op} of a logged
 * {@code applied} message.
 */
public final class OpJson {

    /** Looked up once: {@code Json.createObjectBuilder()} and the like look the provider up anew on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private OpJson() {
    }

    public static String write(Op op) {
        return object(op).build().toString();
    }

    private static JsonObjectBuilder object(Op op) {
        JsonObjectBuilder out = JSON.createObjectBuilder();
        if (op instanceof Op.Edit e) {
            out.add("type", "edit").add("row", e.row()).add("col", e.col());
            nullable(out, "value", e.value());
            base(out, e.base());
        } else if (op instanceof Op.InsertRow r) {
            out.add("type", "insertRow");
            nullable(out, "row", r.row());
            nullable(out, "after", r.after());
            JsonObjectBuilder cells = JSON.createObjectBuilder();
            r.cells().forEach((col, value) -> nullable(cells, col, value));
            out.add("cells", cells);
        } else if (op instanceof Op.DeleteRow d) {
            out.add("type", "deleteRow").add("row", d.row());
            base(out, d.base());
        } else if (op instanceof Op.AddColumn a) {
            out.add("type", "addColumn");
            nullable(out, "col", a.col());
            out.add("name", a.name());
            nullable(out, "after", a.after());
        } else if (op instanceof Op.RenameColumn r) {
            out.add("type", "renameColumn").add("col", r.col()).add("name", r.name());
        } else if (op instanceof Op.DeleteColumn d) {
            out.add("type", "deleteColumn").add("col", d.col());
            base(out, d.base());
        } else {
            JsonArrayBuilder ops = JSON.createArrayBuilder();
            ((Op.Batch) op).ops().forEach(sub -> ops.add(object(sub)));
            out.add("type", "batch").add("ops", ops);
        }
        return out;
    }

    private static void base(JsonObjectBuilder out, Long base) {
        if (base != null) {
            out.add("base", base);
        }
    }

    public static Op read(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return read(reader.readObject());
        }
    }

    /** The {@code op} of an {@code applied} message. */
    public static Op readApplied(String appliedMessage) {
        try (JsonReader reader = JSON.createReader(new StringReader(appliedMessage))) {
            return read(reader.readObject().getJsonObject("op"));
        }
    }

    static Op read(JsonObject o) {
        String type = o.getString("type");
        return switch (type) {
            case "edit" -> new Op.Edit(o.getString("row"), o.getString("col"), text(o, "value"), base(o));
            case "insertRow" -> new Op.InsertRow(text(o, "row"), text(o, "after"), cells(o.getJsonObject("cells")));
            case "deleteRow" -> new Op.DeleteRow(o.getString("row"), base(o));
            case "addColumn" -> new Op.AddColumn(text(o, "col"), o.getString("name"), text(o, "after"));
            case "renameColumn" -> new Op.RenameColumn(o.getString("col"), o.getString("name"));
            case "deleteColumn" -> new Op.DeleteColumn(o.getString("col"), base(o));
            case "batch" -> new Op.Batch(o.getJsonArray("ops").getValuesAs(JsonObject.class).stream()
                    .map(OpJson::read).toList());
            default -> throw new IllegalArgumentException("not an op type: " + type);
        };
    }

    private static Long base(JsonObject o) {
        return o.containsKey("base") && !o.isNull("base") ? o.getJsonNumber("base").longValueExact() : null;
    }

    private static Map<String, String> cells(JsonObject cells) {
        Map<String, String> map = new LinkedHashMap<>();
        if (cells != null) {
            cells.keySet().forEach(col -> map.put(col, text(cells, col)));
        }
        return map;
    }

    private static String text(JsonObject o, String name) {
        JsonValue value = o.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonNumber || value.getValueType() == JsonValue.ValueType.TRUE
                || value.getValueType() == JsonValue.ValueType.FALSE) {
            return value.toString();
        }
        return o.getString(name);
    }

    private static void nullable(JsonObjectBuilder out, String name, String value) {
        if (value == null) {
            out.addNull(name);
        } else {
            out.add(name, value);
        }
    }
}
