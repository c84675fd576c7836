package dev.livegrid.client;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The sheet protocol's JSON (docs/PROTOCOL.md §7.3–7.4): client messages written, server messages read. */
final class Wire {

    /** Looked up once: {@code Json.createReader} and the like look the provider up anew on every call, which is slow. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private Wire() {
    }

    // ---------------------------------------------------------------- client → server

    /** An op message: its fields, the client's op {@code id}, and {@code base} for a compare-and-set edit (or null). */
    static String op(String id, Op op, Long base) {
        return fields(JSON.createObjectBuilder().add("type", op.type()).add("id", id), op, base).build().toString();
    }

    private static JsonObjectBuilder fields(JsonObjectBuilder out, Op op, Long base) {
        if (op instanceof Op.Edit edit) {
            out.add("row", edit.row()).add("col", edit.col());
            nullable(out, "value", edit.value());
            if (base != null) {
                out.add("base", base);
            }
        } else if (op instanceof Op.InsertRow insert) {
            if (insert.after() != null) {
                out.add("after", insert.after());
            }
            if (!insert.cells().isEmpty()) {
                JsonObjectBuilder cells = JSON.createObjectBuilder();
                insert.cells().forEach((col, value) -> nullable(cells, col, value));
                out.add("cells", cells);
            }
        } else if (op instanceof Op.DeleteRow delete) {
            out.add("row", delete.row());
        } else if (op instanceof Op.AddColumn add) {
            out.add("name", add.name());
            if (add.after() != null) {
                out.add("after", add.after());
            }
        } else if (op instanceof Op.RenameColumn rename) {
            out.add("col", rename.col()).add("name", rename.name());
        } else if (op instanceof Op.DeleteColumn delete) {
            out.add("col", delete.col());
        } else if (op instanceof Op.Batch batch) {
            JsonArrayBuilder ops = JSON.createArrayBuilder();
            batch.ops().forEach(sub -> ops.add(fields(JSON.createObjectBuilder().add("type", sub.type()), sub, null)));
            out.add("ops", ops);
        } else {
            throw new IllegalArgumentException("cannot send an op of unknown type " + op.type());
        }
        return out;
    }

    static String focus(CellRef cell) {
        return JSON.createObjectBuilder().add("type", "focus").add("row", cell.row()).add("col", cell.col())
                .build().toString();
    }

    static String blur() {
        return "{\"type\":\"blur\"}";
    }

    static String auth(String token) {
        return JSON.createObjectBuilder().add("type", "auth").add("token", token).build().toString();
    }

    // ---------------------------------------------------------------- server → client

    /**
     * The message in a text frame.
     *
     * @throws RuntimeException (a {@code jakarta.json.JsonException}, {@code ClassCastException} or
     *                          {@code NullPointerException}) when the frame is not a message of this protocol
     */
    static ServerMessage read(String text) {
        JsonObject o;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            o = reader.readObject();
        }
        String type = o.getString("type");
        return switch (type) {
            case "welcome" -> welcome(o);
            case "applied" -> new ServerMessage.AppliedOp(applied(o));
            case "rejected" -> new ServerMessage.Rejected(o.getString("id"), o.getString("code"),
                    o.getString("message", ""), current(o));
            case "presence" -> presence(o);
            case "error" -> new ServerMessage.Error(o.getString("code"), o.getString("message", ""));
            case "role" -> new ServerMessage.RoleChanged(text(o, "role"));
            case "authenticated" -> new ServerMessage.Authenticated(text(o, "expires"));
            default -> new ServerMessage.Unknown(type);
        };
    }

    private static ServerMessage.Welcome welcome(JsonObject o) {
        return new ServerMessage.Welcome(o.getString("sheet"), o.getString("incarnation", "0"), number(o, "version"),
                o.getString("you"), text(o, "role"), o.containsKey("since") && !o.isNull("since") ? number(o, "since") : null,
                o.containsKey("columns") ? list(o.getJsonArray("columns"), Wire::column) : null,
                o.containsKey("rows") ? list(o.getJsonArray("rows"), Wire::row) : null,
                users(o, "users"));
    }

    private static Table.Column column(JsonObject c) {
        return new Table.Column(c.getString("id"), c.getString("name"));
    }

    private static Table.Row row(JsonObject r) {
        Map<String, Table.Cell> cells = new LinkedHashMap<>();
        JsonObject stored = r.getJsonObject("cells");
        if (stored != null) {
            stored.forEach((col, cell) -> cells.put(col, cell(cell.asJsonObject())));
        }
        return new Table.Row(r.getString("id"), cells);
    }

    private static Table.Cell cell(JsonObject c) {
        return new Table.Cell(text(c, "value"), number(c, "version"));
    }

    private static Applied applied(JsonObject o) {
        List<Long> skipped = new ArrayList<>();
        JsonArray listed = o.containsKey("skipped") && !o.isNull("skipped") ? o.getJsonArray("skipped") : null;
        if (listed != null) {
            listed.getValuesAs(JsonNumber.class).forEach(n -> skipped.add(n.longValueExact()));
        }
        return new Applied(number(o, "version"), o.getString("by"), o.getString("id"), op(o.getJsonObject("op")),
                skipped, false);
    }

    static Op op(JsonObject o) {
        String type = o.getString("type");
        return switch (type) {
            case "edit" -> new Op.Edit(o.getString("row"), o.getString("col"), text(o, "value"));
            case "insertRow" -> new Op.InsertRow(text(o, "row"), text(o, "after"), cells(o));
            case "deleteRow" -> new Op.DeleteRow(o.getString("row"));
            case "addColumn" -> new Op.AddColumn(text(o, "col"), o.getString("name"), text(o, "after"));
            case "renameColumn" -> new Op.RenameColumn(o.getString("col"), o.getString("name"));
            case "deleteColumn" -> new Op.DeleteColumn(o.getString("col"));
            case "batch" -> new Op.Batch(o.getJsonArray("ops").getValuesAs(JsonObject.class).stream().map(Wire::op).toList());
            default -> new Op.Unknown(type);
        };
    }

    private static Map<String, String> cells(JsonObject op) {
        Map<String, String> cells = new LinkedHashMap<>();
        if (op.containsKey("cells") && !op.isNull("cells")) {
            JsonObject given = op.getJsonObject("cells");
            given.keySet().forEach(col -> cells.put(col, text(given, col)));
        }
        return cells;
    }

    private static Table.Cell current(JsonObject rejected) {
        if (!rejected.containsKey("current") || rejected.isNull("current")) {
            return null;
        }
        return cell(rejected.getJsonObject("current"));
    }

    private static ServerMessage.Presence presence(JsonObject o) {
        List<User> whole = o.containsKey("users") ? users(o, "users") : null;
        List<ServerMessage.Moved> moved = o.containsKey("moved")
                ? list(o.getJsonArray("moved"), m -> new ServerMessage.Moved(m.getString("id"), focus(m)))
                : List.of();
        List<String> left = new ArrayList<>();
        if (o.containsKey("left")) {
            o.getJsonArray("left").getValuesAs(JsonString.class).forEach(s -> left.add(s.getString()));
        }
        return new ServerMessage.Presence(whole, users(o, "joined"), moved, left);
    }

    private static List<User> users(JsonObject o, String field) {
        if (!o.containsKey(field) || o.isNull(field)) {
            return List.of();
        }
        return list(o.getJsonArray(field), u -> new User(u.getString("id"), u.getString("name", ""), focus(u)));
    }

    private static CellRef focus(JsonObject user) {
        if (!user.containsKey("focus") || user.isNull("focus")) {
            return null;
        }
        JsonObject focus = user.getJsonObject("focus");
        return new CellRef(focus.getString("row"), focus.getString("col"));
    }

    private static <T> List<T> list(JsonArray array, Function<JsonObject, T> each) {
        List<T> list = new ArrayList<>(array.size());
        for (JsonValue value : array) {
            list.add(each.apply(value.asJsonObject()));
        }
        return list;
    }

    private static long number(JsonObject o, String field) {
        return o.getJsonNumber(field).longValueExact();
    }

    /** A string field that may be absent or null. */
    private static String text(JsonObject o, String field) {
        return o.containsKey(field) && !o.isNull(field) ? o.getString(field) : null;
    }

    private static void nullable(JsonObjectBuilder out, String name, String value) {
        if (value == null) {
            out.addNull(name);
        } else {
            out.add(name, value);
        }
    }
}
