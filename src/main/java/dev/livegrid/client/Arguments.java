package dev.livegrid.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks what callers pass, so that a mistake fails at the call with a message naming it instead of
 * as a handshake refused with 400, an {@code error} the op's future would never hear of, or an
 * {@code invalid} rejection. The rules are docs/PROTOCOL.md §7.1–7.3's.
 */
final class Arguments {

    /** Sheet, row, column and op ids. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern CLIENT_KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    /** The server's limit on a display name, in code points. */
    static final int MAX_NAME_LENGTH = 100;

    private Arguments() {
    }

    /** A row or column id, or inside a batch also a reference {@code $k} to what op k of the batch creates. */
    private static final Pattern ID_OR_REFERENCE = Pattern.compile("[A-Za-z0-9_-]{1,64}|\\$[0-9]{1,9}");

    /**
     * The ops of a batch, each checked like the single op, except that row and column ids may be
     * references {@code $k}; not empty, no batch inside.
     */
    static List<Op> batch(List<Op> ops) {
        Objects.requireNonNull(ops, "ops");
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one op");
        }
        for (Op op : ops) {
            Objects.requireNonNull(op, "an op of the batch");
            if (op instanceof Op.Edit e) {
                ref("row", e.row());
                ref("col", e.col());
                value("value", e.value());
            } else if (op instanceof Op.InsertRow r) {
                refOrNull("after", r.after());
                r.cells().forEach((col, value) -> {
                    ref("a key of cells (a column id)", col);
                    value("the value of cell " + col, value);
                });
            } else if (op instanceof Op.DeleteRow d) {
                ref("row", d.row());
            } else if (op instanceof Op.AddColumn a) {
                columnName(a.name());
                refOrNull("after", a.after());
            } else if (op instanceof Op.RenameColumn r) {
                ref("col", r.col());
                columnName(r.name());
            } else if (op instanceof Op.DeleteColumn d) {
                ref("col", d.col());
            } else {
                throw new IllegalArgumentException("a batch cannot hold a " + op.type());
            }
        }
        return ops;
    }

    private static void ref(String what, String id) {
        Objects.requireNonNull(id, what);
        if (!ID_OR_REFERENCE.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be an id of 1-64 characters [A-Za-z0-9_-] or a reference"
                    + " $k to what op k of the batch creates, not '" + id + "'");
        }
    }

    private static void refOrNull(String what, String id) {
        if (id != null) {
            ref(what, id);
        }
    }

    static String id(String what, String id) {
        Objects.requireNonNull(id, what);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be an id of 1-64 characters [A-Za-z0-9_-], not '" + id + "'");
        }
        return id;
    }

    /** An id, or null (e.g. {@code after}: at the start). */
    static String idOrNull(String what, String id) {
        return id == null ? null : id(what, id);
    }

    /** A cell value: any text, or null (an emptied cell), but well-formed: a lone surrogate cannot be sent as UTF-8. */
    static String value(String what, String text) {
        if (text != null && !isWellFormed(text)) {
            throw new IllegalArgumentException(what + " contains a lone surrogate (not valid Unicode)");
        }
        return text;
    }

    static Map<String, String> cells(Map<String, String> cells) {
        Objects.requireNonNull(cells, "cells");
        cells.forEach((col, value) -> {
            id("a key of cells (a column id)", col);
            value("the value of cell " + col, value);
        });
        return cells;
    }

    /** A column name: not blank, no control characters (the server's limit on its length is left to it: {@code too-large}). */
    static String columnName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a column name must not be blank or contain control characters: '"
                    + name + "'");
        }
        return value("the column name", name);
    }

    /** A display name as the server takes it: trimmed, at most 100 code points, no control characters. */
    static String displayName(String name) {
        Objects.requireNonNull(name, "name");
        String trimmed = name.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length > MAX_NAME_LENGTH || trimmed.chars().anyMatch(Character::isISOControl) || !isWellFormed(trimmed)) {
            throw new IllegalArgumentException("a display name is at most " + MAX_NAME_LENGTH
                    + " characters (code points) without control characters; this one has " + length);
        }
        return trimmed;
    }

    static String clientKey(String key) {
        Objects.requireNonNull(key, "clientKey");
        if (!CLIENT_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a client key is 16-64 characters [A-Za-z0-9_-]");
        }
        return key;
    }

    static String token(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("a bearer token is printable ASCII without spaces");
        }
        return token;
    }

    static Duration positive(String what, Duration duration) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + duration);
        }
        return duration;
    }

    private static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
