package dev.livegrid.protocol;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Checks that a frame is exactly one JSON object whose known fields have the JSON types the
 * protocol allows, before JSON-B binds it (JSON-B alone would take the first element of an array,
 * ignore trailing text and turn numbers and arrays into strings and maps).
 */
final class FrameShape {

    /** How deep objects and arrays may nest in a frame; a message needs 4 (an insert's {@code cells} in a batch). */
    static final int MAX_DEPTH = 64;
    /**
     * One factory for every frame: {@code Json.createParser} looks the JSON-P provider up anew on each
     * call (a service-loader scan that cost a hundred times the parse of a small frame).
     */
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private FrameShape() {
    }

    /** Null when the frame has the right shape, else what is wrong with it. */
    static String problemOf(String text) {
        if (nestsDeeperThan(text, MAX_DEPTH)) {
            return "nested too deeply: objects and arrays may nest at most " + MAX_DEPTH + " levels";
        }
        JsonValue value;
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
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
        return fieldsProblem((JsonObject) value, true);
    }

    /**
     * The first field of a message (or of an op inside a batch, {@code top} false) with the wrong JSON
     * type. {@code ops} is a batch's: on any other message it is an unknown field, and ignored.
     */
    private static String fieldsProblem(JsonObject message, boolean top) {
        boolean batch = message.get("type") instanceof JsonString type && type.getString().equals("batch");
        for (Map.Entry<String, JsonValue> field : message.entrySet()) {
            if (field.getKey().equals("ops") && !batch) {
                continue;
            }
            String problem = field.getKey().equals("ops") ? opsProblem(field.getValue(), top)
                    : fieldProblem(field.getKey(), field.getValue());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** A batch's {@code ops}: an array of op objects, none of them a batch. */
    private static String opsProblem(JsonValue ops, boolean top) {
        if (!top) {
            return "a batch cannot hold a batch";
        }
        if (ops.getValueType() != JsonValue.ValueType.ARRAY) {
            return "\"ops\" must be an array of ops";
        }
        int index = 0;
        for (JsonValue op : (JsonArray) ops) {
            if (op.getValueType() != JsonValue.ValueType.OBJECT) {
                return "ops[" + index + "] must be an op: a JSON object with a \"type\"";
            }
            String problem = fieldsProblem((JsonObject) op, false);
            if (problem != null) {
                return "ops[" + index + "]: " + problem;
            }
            index++;
        }
        return null;
    }

    /**
     * Whether objects and arrays nest deeper than {@code max}, in one pass over the text (strings
     * skipped), before any parser sees it. JSON-P and JSON-B build values recursively, a few stack
     * frames per level: within Parsson's own limit of 1000 levels a frame could still overflow a
     * smaller thread stack, and the {@code StackOverflowError} went unanswered (the endpoint's error
     * handler only logs at FINE); a runtime's JSON-P without a limit would overflow at any depth.
     */
    private static boolean nestsDeeperThan(String text, int max) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > max) {
                    return true;
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return false;
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

    /**
     * Null, or a whole number that fits a long: JSON-B would otherwise fail with a bare "Overflow".
     * Whole however it is written ({@code 1.0}, {@code 1e2}): {@link JsonNumber#isIntegral} looks at
     * the notation, and refused those while it took {@code 1e0}.
     */
    private static String baseProblem(JsonValue base) {
        if (base.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        String notWhole = "\"base\" must be a whole number (the cell's version)";
        String outOfRange = "\"base\" is out of range: a cell's version is a whole number of at most " + Long.MAX_VALUE;
        if (!(base instanceof JsonNumber number)) {
            return notWhole;
        }
        BigDecimal value = number.bigDecimalValue();
        if (value.signum() == 0) {
            return null;
        }
        // More than 19 digits before the point (100e2147483647 too: no stripping of its zeros, whose scale would overflow).
        if ((long) value.precision() - value.scale() > 19) {
            return outOfRange;
        }
        if (value.stripTrailingZeros().scale() > 0) {
            return notWhole;
        }
        try {
            value.longValueExact();
            return null;
        } catch (ArithmeticException e) {
            return outOfRange;
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
