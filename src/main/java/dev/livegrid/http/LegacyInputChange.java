package dev.livegrid.http;

import dev.livegrid.sheet.Column;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Snapshot;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;

/**
 * The seed's {@code POST /input-change {"index":0,"forms":"name","value":"x"}}: the cell in the row at
 * 0-based position {@code index} and the column whose id or, failing that, name is {@code forms}.
 * {@code value} may be a string, a number or a boolean (written as text) or null (empties the cell).
 * Index addressing exists only here.
 */
record LegacyInputChange(int index, String form, String value) {

    static LegacyInputChange parse(String body) throws ApiFailure {
        JsonObject json = onlyObject(body);
        return new LegacyInputChange(index(json.get("index")), form(json.get("forms")), value(json));
    }

    /** The body's one JSON object; a reader alone would ignore whatever follows it, as the socket does not. */
    private static JsonObject onlyObject(String body) throws ApiFailure {
        try (JsonParser parser = Json.createParser(new StringReader(body))) {
            JsonObject json;
            try {
                if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                    throw notAnObject();
                }
                json = parser.getObject();
            } catch (JsonException | IllegalStateException e) {
                throw notAnObject();
            }
            try {
                if (!parser.hasNext()) {
                    return json;
                }
            } catch (JsonException e) {
                // text after the object that is not JSON either
            }
            throw bad("the body holds exactly one JSON object; found more after it");
        }
    }

    /** The edit this change means on {@code snapshot}, without a base (last writer wins). */
    Op.Edit resolve(Snapshot snapshot) throws ApiFailure {
        if (index >= snapshot.rows().size()) {
            throw ApiFailure.of(404, "no-such-row", "no row at index " + index + "; the sheet has "
                    + snapshot.rows().size() + " rows");
        }
        String col = columnIdByIdOrName(snapshot);
        if (col == null) {
            throw ApiFailure.of(404, "no-such-column", "no column with the id or name '" + form + "'");
        }
        return new Op.Edit(snapshot.rows().get(index).id(), col, value, null);
    }

    private String columnIdByIdOrName(Snapshot snapshot) {
        for (Column c : snapshot.columns()) {
            if (c.id().equals(form)) {
                return c.id();
            }
        }
        return snapshot.columns().stream().filter(c -> c.name().equals(form)).map(Column::id).findFirst().orElse(null);
    }

    private static int index(JsonValue json) throws ApiFailure {
        String text = json instanceof JsonNumber n ? n.toString() : json instanceof JsonString s ? s.getString() : "";
        if (!text.matches("\\d{1,9}")) {
            throw bad("\"index\" must be a row position: a whole number from 0");
        }
        return Integer.parseInt(text);
    }

    private static String form(JsonValue json) throws ApiFailure {
        if (!(json instanceof JsonString s) || s.getString().isEmpty()) {
            throw bad("\"forms\" must name a column by id or name");
        }
        return s.getString();
    }

    private static String value(JsonObject json) throws ApiFailure {
        if (!json.containsKey("value")) {
            throw bad("\"value\" is missing (null empties the cell)");
        }
        JsonValue value = json.get("value");
        return switch (value.getValueType()) {
            case STRING -> ((JsonString) value).getString();
            case NUMBER, TRUE, FALSE -> value.toString();
            case NULL -> null;
            default -> throw bad("\"value\" must be a string, a number, a boolean or null");
        };
    }

    private static ApiFailure notAnObject() {
        return bad("the body must be a JSON object {\"index\":0,\"forms\":\"name\",\"value\":\"x\"}");
    }

    private static ApiFailure bad(String message) {
        return ApiFailure.of(400, "bad-message", message);
    }
}
