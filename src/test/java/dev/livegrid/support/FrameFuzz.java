package dev.livegrid.support;

import dev.livegrid.protocol.ClientMessage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random frames of the sheet protocol for fuzz tests, all from one {@link Random} (so a seed replays
 * them): valid messages with the record each must decode to ({@link #validMessage()}), the same
 * messages damaged ({@link #mutated()}: wrong JSON types in every field, odd numbers, long or broken
 * text, ids at and past their limits, deep nesting, duplicate keys, unknown types, textual damage such
 * as truncation, trailing garbage or a byte order mark), random JSON and plain garbage.
 * <p>
 * Row and column ids come from the suppliers given (a client's table, for ops a sheet can apply);
 * with {@code rawSurrogates} off no frame holds a lone surrogate as a raw character (a WebSocket
 * client cannot send one: it has no UTF-8 encoding), only as a JSON escape.
 */
public final class FrameFuzz {

    /** One frame: its text, and the message it must decode to when it was generated valid (else null). */
    public record Frame(String text, ClientMessage expected) {
    }

    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final String[] TYPES = {"edit", "insertRow", "deleteRow", "addColumn", "renameColumn",
            "deleteColumn", "focus", "blur"};
    /** Numbers at the edges: of a long, of what "whole" means, of a double, of a BigDecimal's scale. */
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "7", "1.5", "1.0", "-0.0", "0.5", "1e2", "1E+2",
            "1e-2", "0e5", "1e0", "10e-1", "1e400", "-1e400", "1e-400", "1e999999999", "-1e-999999999",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "9.223372036854775807e18", "9.223372036854775808E18", "0.1e1",
            "123456789012345678901234567890", "4.9e-324", "1.7976931348623157e308", "3.14159", "1e2147483647",
            "100e2147483647", "-10E+2147483647", "1e-2147483648", "100e-2147483647", "1e2147483648", "0e-2147483648"};
    /** Text that is not JSON, or not one JSON object. */
    private static final String[] GARBAGE = {"", " ", "\n", "\t\r\n ", "null", "true", "false", "0", "-", "\"\"",
            "\"edit\"", "[]", "{}", "[{}]", "{", "}", "[", "]", "{\"", "{\"type\"", "{\"type\":", "{\"type\":\"blur\"",
            "{\"type\":\"blur\",}", "{'type':'blur'}", "{type:\"blur\"}", "{\"type\":\"blur\"}}", "{\"type\":\"blur\"}]",
            "{\"type\":\"blur\"} {\"type\":\"blur\"}", "{\"type\":\"blur\"}x", "{\"type\":\"blur\"}\u0000",
            "\uFEFF{\"type\":\"blur\"}", "\u00A0{\"type\":\"blur\"}", "{\"type\":\"blur\"/*c*/}", "{\"type\":NaN}",
            "{\"a\":Infinity}", "{\"a\":0x10}", "{\"a\":01}", "{\"a\":+1}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\u0001\"}", "{\"a\":\"unterminated}",
            "{\"a\" \"b\"}", "{\"a\":1 \"b\":2}", "{,}", "{\"a\":[1,]}", "{\"a\":[,1]}", "<html>", "GET / HTTP/1.1",
            "\u0000", "\\", "\"\\ud800\"", "{\"type\":\"blur\"}\n\n\n,"};
    private static final String[] ODD_TYPES = {"launch", "Edit", "EDIT", "BLUR", "edit ", " edit", "edit\u0000",
            "welcome", "applied", "rejected", "presence", "error", "auth", "", "\\ud800", "ed\\u0069t", "blur\\n",
            "insertrow", "insert_row", "type", "null", "0"};
    /** Depths of nesting at and around LiveGrid's limit (64)... */
    private static final int[] SHALLOW = {2, 3, 10, 62, 63, 64, 65};
    /** ...and around JSON-P's (1000), and beyond. */
    private static final int[] DEEP = {100, 500, 999, 1000, 1001, 3000, 5000};

    private final Random random;
    private final Supplier<List<String>> rows;
    private final Supplier<List<String>> columns;
    private final boolean rawSurrogates;
    private final int hugeText;

    /**
     * @param rows          row ids to use in ops (an empty list: random ids)
     * @param columns       column ids to use in ops (an empty list: random ids)
     * @param rawSurrogates whether damage may insert a lone surrogate as a raw character
     * @param hugeText      length of the longest text generated, in UTF-16 units
     */
    public FrameFuzz(Random random, Supplier<List<String>> rows, Supplier<List<String>> columns,
                     boolean rawSurrogates, int hugeText) {
        this.random = random;
        this.rows = rows;
        this.columns = columns;
        this.rawSurrogates = rawSurrogates;
        this.hugeText = hugeText;
    }

    /** Any frame: mostly damaged messages, some valid ones, random JSON and garbage. */
    public Frame any() {
        int dice = random.nextInt(100);
        if (dice < 20) {
            return validMessage();
        } else if (dice < 80) {
            return new Frame(mutated(), null);
        } else if (dice < 92) {
            return new Frame(randomJson(), null);
        }
        return new Frame(garbage(), null);
    }

    // ---- valid messages ----

    /** A valid message (ids of the right shape, well-formed text) in a random JSON style. */
    public Frame validMessage() {
        String type = pick(TYPES);
        List<Field> fields = new ArrayList<>();
        ClientMessage message = build(type, fields);
        return new Frame(render(fields), message);
    }

    /** A valid op of any kind (focus and blur excepted). */
    public Frame validOp() {
        String type = TYPES[random.nextInt(6)];
        List<Field> fields = new ArrayList<>();
        ClientMessage message = build(type, fields);
        return new Frame(render(fields), message);
    }

    private ClientMessage build(String type, List<Field> fields) {
        fields.add(new Field("type", quote(type)));
        String id = validId();
        switch (type) {
            case "edit" -> {
                String row = row();
                String col = column();
                String value = random.nextInt(8) == 0 ? null : text();
                Long base = random.nextInt(3) == 0 ? base() : null;
                fields.add(new Field("id", quote(id)));
                fields.add(new Field("row", quote(row)));
                fields.add(new Field("col", quote(col)));
                optional(fields, "value", value, random.nextBoolean());
                if (base != null || random.nextInt(4) == 0) {
                    fields.add(new Field("base", base == null ? "null" : String.valueOf(base)));
                }
                shuffle(fields);
                return new ClientMessage.Edit(id, row, col, value, base);
            }
            case "insertRow" -> {
                String after = random.nextInt(4) == 0 ? null : row();
                Map<String, String> cells = random.nextInt(5) == 0 ? null : cells();
                fields.add(new Field("id", quote(id)));
                optional(fields, "after", after, random.nextBoolean());
                if (cells != null) {
                    fields.add(new Field("cells", renderCells(cells)));
                } else if (random.nextBoolean()) {
                    fields.add(new Field("cells", "null"));
                }
                shuffle(fields);
                return new ClientMessage.InsertRow(id, after, cells);
            }
            case "deleteRow" -> {
                String row = row();
                fields.add(new Field("id", quote(id)));
                fields.add(new Field("row", quote(row)));
                shuffle(fields);
                return new ClientMessage.DeleteRow(id, row, null);
            }
            case "addColumn" -> {
                String name = text();
                String after = random.nextInt(4) == 0 ? null : column();
                fields.add(new Field("id", quote(id)));
                fields.add(new Field("name", quote(name)));
                optional(fields, "after", after, random.nextBoolean());
                shuffle(fields);
                return new ClientMessage.AddColumn(id, name, after);
            }
            case "renameColumn" -> {
                String col = column();
                String name = text();
                fields.add(new Field("id", quote(id)));
                fields.add(new Field("col", quote(col)));
                fields.add(new Field("name", quote(name)));
                shuffle(fields);
                return new ClientMessage.RenameColumn(id, col, name);
            }
            case "deleteColumn" -> {
                String col = column();
                fields.add(new Field("id", quote(id)));
                fields.add(new Field("col", quote(col)));
                shuffle(fields);
                return new ClientMessage.DeleteColumn(id, col, null);
            }
            case "focus" -> {
                String row = row();
                String col = column();
                fields.add(new Field("row", quote(row)));
                fields.add(new Field("col", quote(col)));
                shuffle(fields);
                return new ClientMessage.Focus(row, col);
            }
            default -> {
                if (random.nextInt(4) == 0) {
                    // Unknown fields are ignored (any JSON that JSON-P can represent: no exponent past an int).
                    fields.add(new Field("x-" + validId(), random.nextBoolean() ? quote(text())
                            : pick(new String[]{"1", "-0.5e3", "true", "null", "[1,\"a\",[]]", "{\"k\":{\"type\":\"edit\"}}"})));
                }
                shuffle(fields);
                return new ClientMessage.Blur();
            }
        }
    }

    /** A null field is left out or written as null. */
    private void optional(List<Field> fields, String key, String value, boolean writeNull) {
        if (value != null) {
            fields.add(new Field(key, quote(value)));
        } else if (writeNull) {
            fields.add(new Field(key, "null"));
        }
    }

    private Map<String, String> cells() {
        Map<String, String> cells = new LinkedHashMap<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            cells.put(column(), random.nextInt(6) == 0 ? null : text());
        }
        return cells;
    }

    private String renderCells(Map<String, String> cells) {
        List<Field> entries = new ArrayList<>();
        cells.forEach((col, value) -> entries.add(new Field(col, value == null ? "null" : quote(value))));
        return render(entries);
    }

    private Long base() {
        return switch (random.nextInt(6)) {
            case 0 -> 0L;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            case 3 -> -1L - random.nextInt(10);
            default -> (long) random.nextInt(200);
        };
    }

    private String row() {
        List<String> ids = rows.get();
        return ids.isEmpty() || random.nextInt(10) == 0 ? validId() : ids.get(random.nextInt(ids.size()));
    }

    private String column() {
        List<String> ids = columns.get();
        return ids.isEmpty() || random.nextInt(10) == 0 ? validId() : ids.get(random.nextInt(ids.size()));
    }

    /** 1-64 characters of [A-Za-z0-9_-], often short, sometimes exactly 64. */
    public String validId() {
        int length = switch (random.nextInt(10)) {
            case 0 -> 64;
            case 1 -> 63;
            case 2 -> 1;
            case 3 -> 1 + random.nextInt(64);
            default -> 2 + random.nextInt(10);
        };
        return idOf(length);
    }

    private String idOf(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    /** An id of the wrong shape: empty, 65 characters or more, or with a character outside the set. */
    private String invalidId() {
        return switch (random.nextInt(9)) {
            case 0 -> "";
            case 1 -> idOf(65);
            case 2 -> idOf(1000 + random.nextInt(2000));
            case 3 -> idOf(5) + " " + idOf(3);
            case 4 -> idOf(3) + "/" + idOf(3);
            case 5 -> idOf(4) + "é";
            case 6 -> idOf(2) + "\ud83d\ude00";
            case 7 -> idOf(2) + "\u0000";
            default -> idOf(63) + "!";
        };
    }

    /** Well-formed text: ASCII, JSON's special characters, controls, other scripts, emoji, now and then long. */
    public String text() {
        int dice = random.nextInt(100);
        int length = dice < 8 ? 0
                : dice < 9 ? 1000 + random.nextInt(Math.max(1, hugeText - 1000))
                : dice < 30 ? 20 + random.nextInt(300)
                : 1 + random.nextInt(20);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            appendChar(text);
        }
        return text.toString();
    }

    private void appendChar(StringBuilder text) {
        switch (random.nextInt(12)) {
            case 0 -> text.append(pickChar("\"\\/{}[]:,"));
            case 1 -> text.append((char) random.nextInt(0x20));
            case 2 -> text.append((char) (0xA0 + random.nextInt(0x700)));
            case 3 -> text.append((char) (0x4E00 + random.nextInt(0x5000)));
            case 4 -> text.appendCodePoint(0x1F300 + random.nextInt(0x300));
            case 5 -> text.append(pickChar("\u200B\u2028\u2029\uFEFF\uFFFD\uFFFF\uFFFE\u007F\u0301"));
            default -> text.append((char) (0x20 + random.nextInt(0x5F)));
        }
    }

    // ---- damaged messages ----

    /** A valid message damaged one to three times, in its fields or its text. */
    public String mutated() {
        List<Field> fields = new ArrayList<>();
        build(pick(TYPES), fields);
        int damage = 1 + random.nextInt(3);
        for (int i = 0; i < damage; i++) {
            damageFields(fields);
        }
        String text = render(fields);
        if (random.nextInt(4) == 0) {
            text = damageText(text);
        }
        return rawSurrogates ? text : withoutLoneSurrogates(text);
    }

    /** Cutting and splicing can split a surrogate pair written plainly; its halves become '?'. */
    private static String withoutLoneSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isSurrogate(c) && !isPaired(text, i) ? '?' : c);
        }
        return out.toString();
    }

    /** A frame in which exactly one thing is wrong with a field (for bursts of refusals). */
    public String wrongField() {
        List<Field> fields = new ArrayList<>();
        build(pick(TYPES), fields);
        Field field = fields.get(random.nextInt(fields.size()));
        fields.set(fields.indexOf(field), new Field(field.key(), wrongValue()));
        return render(fields);
    }

    private void damageFields(List<Field> fields) {
        switch (random.nextInt(11)) {
            case 0, 1, 2 -> {
                int at = random.nextInt(fields.size());
                fields.set(at, new Field(fields.get(at).key(), wrongValue()));
            }
            case 3 -> {
                if (fields.size() > 1) {
                    fields.remove(random.nextInt(fields.size()));
                }
            }
            case 4 -> fields.add(random.nextInt(fields.size() + 1), new Field(randomKey(), randomValue(3)));
            case 5 -> {
                Field copy = fields.get(random.nextInt(fields.size()));
                Field twin = new Field(copy.key(), random.nextBoolean() ? wrongValue() : copy.value());
                fields.add(random.nextInt(fields.size() + 1), twin); // a duplicate key, before or after
            }
            case 6 -> replace(fields, "type", quote(random.nextBoolean() ? pick(TYPES) : pick(ODD_TYPES)));
            case 7 -> replace(fields, "id", quote(random.nextBoolean() ? invalidId() : validId()));
            case 8 -> replace(fields, "base", pick(NUMBERS));
            case 9 -> replace(fields, pick(new String[]{"value", "name"}), quote(loneSurrogateText()));
            default -> replace(fields, pick(new String[]{"cells", "value", "row", "after"}), nested());
        }
    }

    private void replace(List<Field> fields, String key, String value) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).key().equals(key)) {
                fields.set(i, new Field(key, value));
                return;
            }
        }
        fields.add(random.nextInt(fields.size() + 1), new Field(key, value));
    }

    /** A value of a type the field may not have, or an odd one of the right type. */
    private String wrongValue() {
        return switch (random.nextInt(12)) {
            case 0, 1 -> pick(NUMBERS);
            case 2 -> pick(new String[]{"true", "false", "null"});
            case 3 -> "[]";
            case 4 -> "{}";
            case 5 -> "[" + quote(validId()) + "," + pick(NUMBERS) + "]";
            case 6 -> "{" + quote(validId()) + ":" + randomValue(2) + "}";
            case 7 -> nested();
            case 8 -> quote(loneSurrogateText());
            case 9 -> quote(invalidId());
            case 10 -> quote(text());
            default -> "\"" + digits(1090 + random.nextInt(20)) + "\"";
        };
    }

    /** Objects and arrays nested to a depth around a limit; now and then never closed. */
    private String nested() {
        int depth = random.nextInt(10) < 7 ? SHALLOW[random.nextInt(SHALLOW.length)] : DEEP[random.nextInt(DEEP.length)];
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (random.nextInt(3) == 0) {
                open.append("{\"k\":");
                close.append('}');
            } else {
                open.append('[');
                close.append(']');
            }
        }
        String inner = random.nextBoolean() ? "1" : quote("x");
        return random.nextInt(8) == 0 ? open + inner : open + inner + close.reverse();
    }

    /** Text with a lone surrogate written as a JSON escape (the only way a client can send one). */
    private String loneSurrogateText() {
        String lone = pick(new String[]{"\ud800", "\udbff", "\udc00", "\udfff"});
        return switch (random.nextInt(4)) {
            case 0 -> lone;
            case 1 -> "a" + lone + "b";
            case 2 -> "\udc00\ud800";
            default -> text() + lone;
        };
    }

    private String digits(int count) {
        StringBuilder digits = new StringBuilder().append((char) ('1' + random.nextInt(9)));
        while (digits.length() < count) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    /** Damage to the text itself: cut, spliced, doubled, wrapped, or something before or after it. */
    private String damageText(String text) {
        int at = random.nextInt(text.length() + 1);
        return switch (random.nextInt(10)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(5)));
            case 2 -> text.substring(0, at) + pickChar("{}[]:,\"\\ \u0000x1") + text.substring(at);
            case 3 -> text.substring(0, at) + text.substring(at / 2, at) + text.substring(at);
            case 4 -> "[" + text + "]";
            case 5 -> text + pick(new String[]{" x", ",", "}", "]", "{\"type\":\"blur\"}", "\u0000", " \n ", "//"});
            case 6 -> "\uFEFF" + text;
            case 7 -> rawSurrogates ? text.substring(0, at) + "\ud800" + text.substring(at) : text.substring(0, at);
            case 8 -> text.repeat(2);
            default -> text.substring(0, at) + (char) random.nextInt(0x20) + text.substring(at);
        };
    }

    // ---- random JSON and garbage ----

    /** A random JSON value, usually an object and often with a type. */
    public String randomJson() {
        if (random.nextInt(4) == 0) {
            return randomValue(4);
        }
        List<Field> fields = new ArrayList<>();
        if (random.nextInt(4) != 0) {
            fields.add(new Field("type", random.nextInt(3) == 0 ? randomValue(1) : quote(pick(TYPES))));
        }
        for (int n = random.nextInt(6); n > 0; n--) {
            String key = random.nextBoolean()
                    ? pick(new String[]{"id", "row", "col", "value", "base", "after", "cells", "name", "type"})
                    : randomKey();
            fields.add(new Field(key, randomValue(3)));
        }
        shuffle(fields);
        return render(fields);
    }

    private String randomValue(int depth) {
        int kinds = depth <= 0 ? 5 : 7;
        return switch (random.nextInt(kinds)) {
            case 0 -> pick(NUMBERS);
            case 1 -> pick(new String[]{"true", "false", "null"});
            case 2 -> quote(random.nextBoolean() ? validId() : text());
            case 3 -> quote(pick(TYPES));
            case 4 -> String.valueOf(random.nextInt(1000) - 500);
            case 5 -> {
                List<String> items = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    items.add(randomValue(depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                List<Field> fields = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    fields.add(new Field(random.nextBoolean() ? validId() : randomKey(), randomValue(depth - 1)));
                }
                yield render(fields);
            }
        };
    }

    private String randomKey() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> text();
            case 2 -> "\ud800";
            case 3 -> "Type";
            default -> validId();
        };
    }

    /** Text that is not a message: broken JSON, JSON that is not one object, random characters. */
    public String garbage() {
        if (random.nextBoolean()) {
            return pick(GARBAGE);
        }
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(40); n > 0; n--) {
            if (random.nextBoolean()) {
                text.append(pickChar("{}[]\":,\\ 0123456789.eE+-tfnul"));
            } else {
                appendChar(text);
            }
        }
        return text.toString();
    }

    // ---- writing JSON in random styles ----

    private record Field(String key, String value) {
    }

    private String render(List<Field> fields) {
        StringBuilder out = new StringBuilder().append(space()).append('{');
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(space()).append(',');
            }
            out.append(space()).append(quote(fields.get(i).key())).append(space()).append(':').append(space())
                    .append(fields.get(i).value());
        }
        return out.append(space()).append('}').append(space()).toString();
    }

    private String space() {
        if (random.nextInt(6) != 0) {
            return "";
        }
        return pick(new String[]{" ", "\n", "\t", "\r\n", "  "});
    }

    /** A JSON string literal of {@code text}, each character written plainly or escaped, at random. */
    private String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        boolean escapeMore = random.nextInt(5) == 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isSurrogate(c) && isPaired(text, i);
            boolean mustEscape = c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c) && !paired && !rawSurrogates;
            if (paired && Character.isHighSurrogate(c) && !rawSurrogates) {
                // Both halves of a pair plainly or both escaped: one escaped half would leave the other alone in the text.
                boolean escapePair = escapeMore && random.nextInt(3) == 0;
                for (char half : new char[]{c, text.charAt(++i)}) {
                    if (escapePair) {
                        escape(out, half);
                    } else {
                        out.append(half);
                    }
                }
            } else if (mustEscape || escapeMore && random.nextInt(3) == 0) {
                escape(out, c);
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static boolean isPaired(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private void escape(StringBuilder out, char c) {
        switch (c) {
            case '"' -> out.append(random.nextBoolean() ? "\\\"" : "\\u0022");
            case '\\' -> out.append(random.nextBoolean() ? "\\\\" : "\\u005C");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '/' -> out.append("\\/");
            default -> {
                String hex = Integer.toHexString(0x10000 | c).substring(1);
                out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT));
            }
        }
    }

    private void shuffle(List<Field> fields) {
        java.util.Collections.shuffle(fields, random);
    }

    private char pickChar(String options) {
        return options.charAt(random.nextInt(options.length()));
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }
}
