package dev.livegrid.protocol;

import dev.livegrid.sheet.Cell;
import dev.livegrid.sheet.Column;
import dev.livegrid.sheet.Row;
import dev.livegrid.sheet.Snapshot;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole sheet as JSON, the form the store keeps snapshots in:
 * {@code {"sheet","incarnation","version","columns","rows"}}; snapshots stored before incarnations
 * existed have none and read as {@link Snapshot#LEGACY_INCARNATION}.
 */
public final class SnapshotJson {

    /** Looked up once: {@code Json.createObjectBuilder()} and the like look the provider up anew on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private SnapshotJson() {
    }

    public static String write(Snapshot snapshot) {
        JsonArrayBuilder columns = JSON.createArrayBuilder();
        snapshot.columns().forEach(c -> columns.add(JSON.createObjectBuilder().add("id", c.id()).add("name", c.name())));
        JsonArrayBuilder rows = JSON.createArrayBuilder();
        for (Row row : snapshot.rows()) {
            JsonObjectBuilder cells = JSON.createObjectBuilder();
            row.cells().forEach((col, cell) -> {
                JsonObjectBuilder c = JSON.createObjectBuilder();
                if (cell.value() == null) {
                    c.addNull("value");
                } else {
                    c.add("value", cell.value());
                }
                cells.add(col, c.add("version", cell.version()));
            });
            rows.add(JSON.createObjectBuilder().add("id", row.id()).add("cells", cells));
        }
        return JSON.createObjectBuilder().add("sheet", snapshot.sheet()).add("incarnation", snapshot.incarnation())
                .add("version", snapshot.version())
                .add("columns", columns).add("rows", rows).build().toString();
    }

    public static Snapshot read(String json) {
        JsonObject o;
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            o = reader.readObject();
        }
        List<Column> columns = new ArrayList<>();
        for (JsonValue c : o.getJsonArray("columns")) {
            columns.add(new Column(c.asJsonObject().getString("id"), c.asJsonObject().getString("name")));
        }
        List<Row> rows = new ArrayList<>();
        for (JsonValue r : o.getJsonArray("rows")) {
            JsonObject row = r.asJsonObject();
            Map<String, Cell> cells = new LinkedHashMap<>();
            JsonObject stored = row.getJsonObject("cells");
            for (String col : stored.keySet()) {
                JsonObject cell = stored.getJsonObject(col);
                cells.put(col, new Cell(cell.isNull("value") ? null : cell.getString("value"),
                        cell.getJsonNumber("version").longValueExact()));
            }
            rows.add(new Row(row.getString("id"), cells));
        }
        return new Snapshot(o.getString("sheet"), o.getString("incarnation", Snapshot.LEGACY_INCARNATION),
                o.getJsonNumber("version").longValueExact(), columns, rows);
    }
}
