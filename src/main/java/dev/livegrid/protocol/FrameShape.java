package dev.livegrid.protocol;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.util.Map;

/**
 * Checks that a frame is exactly one JSON object whose known fields have the JSON types the
 * protocol allows, before JSON-B binds it (JSON-B alone would take the first element of an array,
 * ignore trailing text and turn numbers and arrays into strings and maps).
 */
final class FrameShape {

    private FrameShape() {
    }

    /** Null when the frame has the right shape, else what is wrong with it. */
    static String problemOf(String text) {
        JsonValue value;
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                return "an empty frame is not a message";
            }
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                return "one frame holds exactly one JSON object; found more after it";
            }
        } catch (RuntimeException e) { // JsonParsingException, and Parsson's nesting limit
            return "not JSON: " + shorten(e.getMessage());
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            return "a message is a JSON object with a \"type\", not " + value.getValueType().toString().toLowerCase();
        }
        for (Map.Entry<String, JsonValue> field : ((JsonObject) value).entrySet()) {
            String problem = fieldProblem(field.getKey(), field.getValue());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String fieldProblem(String name, JsonValue value) {
        JsonValue.ValueType type = value.getValueType();
        return switch (name) {
            case "type", "id", "row", "col", "after", "name", "token" -> isStringOrNull(type) ? null
                    : "\"" + name + "\" must be a string";
            case "value" -> isScalar(type) ? null : "\"value\" must be a string or null";
            case "base" -> baseProblem(value);
            case "cells" -> cellsProblem(value);
            default -> null; // unknown fields are ignored: the protocol grows by adding fields
        };
    }

    /** Null, or a whole number that fits a long: JSON-B would otherwise fail with a bare "Overflow". */
    private static String baseProblem(JsonValue base) {
        if (base.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (base.getValueType() != JsonValue.ValueType.NUMBER || !((JsonNumber) base).isIntegral()) {
            return "\"base\" must be a whole number (the cell's version)";
        }
        try {
            ((JsonNumber) base).longValueExact();
            return null;
        } catch (ArithmeticException e) {
            return "\"base\" is out of range: a cell's version is a whole number of at most " + Long.MAX_VALUE;
        }
    }

    private static String cellsProblem(JsonValue cells) {
        if (cells.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (cells.getValueType() != JsonValue.ValueType.OBJECT) {
            return "\"cells\" must be an object of column id to value";
        }
        for (JsonValue value : ((JsonObject) cells).values()) {
            if (!isScalar(value.getValueType())) {
                return "every value in \"cells\" must be a string or null";
            }
        }
        return null;
    }

    private static boolean isStringOrNull(JsonValue.ValueType type) {
        return type == JsonValue.ValueType.STRING || type == JsonValue.ValueType.NULL;
    }

    /** Strings and null; numbers and booleans are taken as their text. */
    private static boolean isScalar(JsonValue.ValueType type) {
        return type != JsonValue.ValueType.OBJECT && type != JsonValue.ValueType.ARRAY;
    }

    private static String shorten(String message) {
        String text = message == null ? "" : message;
        return text.length() > 160 ? text.substring(0, 160) + "…" : text;
    }
}
