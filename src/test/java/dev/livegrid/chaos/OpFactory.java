package dev.livegrid.chaos;

import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random client ops of every kind, valid or not, against a client's view of the table: edits with and
 * without {@code base} (current, stale or made up), rows and columns inserted, renamed and deleted,
 * ids that do not exist, values and names over the limits, and text of every shape — quotes, control
 * characters, CJK, emoji, and lone surrogates (sent as JSON escapes: UTF-8 cannot carry them).
 */
final class OpFactory {

    /** The limits the server runs with now, so that some values are just over them. */
    record Limits(int maxValueLength, int maxRows, int maxColumns) {
    }

    private static final String[] WORDS = {"alpha", "Hong", "18", "0", "-1", "=SUM(A1)", "true", "null", " ", "a,b",
            "x\"y", "back\\slash", "tab\there", "line1\nline2", "名称", "小明", "Ünïcödé", "😀", "👩‍💻", "e\u0301", "\u0001ctl",
            "\u2028sep", "\uFEFFbom", "مرحبا"};
    private static final String[] LONE = {"\ud800", "\udc00", "x\ud83d", "\ude00\ud83d", "a\udbffb"};

    private final Random random;
    private final boolean loneSurrogates;

    OpFactory(Random random, boolean loneSurrogates) {
        this.random = random;
        this.loneSurrogates = loneSurrogates;
    }

    /** A random op with this id for a client that sees {@code table}. */
    String any(String id, TableModel table, Limits limits) {
        List<String> rows = table.rowIds();
        List<String> cols = table.columnIds();
        if (cols.isEmpty() || random.nextInt(12) == 0 && cols.size() < 8) {
            return addColumn(id, cols);
        }
        if (rows.isEmpty() || random.nextInt(8) == 0 && rows.size() < 40) {
            return insertRow(id, rows, cols, limits);
        }
        int pick = random.nextInt(100);
        if (pick < 55) {
            return edit(id, table, pick(rows), pick(cols), limits);
        } else if (pick < 63) {
            return rows.size() > 3 || random.nextBoolean() ? SheetOps.deleteRow(id, pick(rows)) : insertRow(id, rows, cols, limits);
        } else if (pick < 70) {
            return insertRow(id, rows, cols, limits);
        } else if (pick < 76) {
            return escape(SheetOps.renameColumn(id, pick(cols), columnName()));
        } else if (pick < 80) {
            return cols.size() > 2 ? SheetOps.deleteColumn(id, pick(cols)) : addColumn(id, cols);
        } else if (pick < 84) {
            return addColumn(id, cols);
        } else if (pick < 88) {
            return batch(id, table, limits);
        } else if (pick < 90) { // a row or column that does not exist (any more)
            return random.nextBoolean() ? escape(SheetOps.edit(id, "r" + (900_000 + random.nextInt(1000)), pick(cols), value(limits), null))
                    : SheetOps.deleteColumn(id, "c" + (900_000 + random.nextInt(1000)));
        } else if (pick < 94) { // just over the limit
            return escape(SheetOps.edit(id, pick(rows), pick(cols), "L".repeat(limits.maxValueLength() + 1 + random.nextInt(3)), null));
        } else if (pick < 97) {
            return escape(SheetOps.addColumn(id, random.nextBoolean() ? "   " : "N".repeat(201), pick(cols)));
        }
        return escape(SheetOps.edit(id, pick(rows), pick(cols), value(limits), (long) random.nextInt(50)));
    }

    /**
     * A batch of 1-5 ops as {@link #any} makes them (ids dropped), sometimes with a column or row it
     * adds and then uses through {@code $k}: applied whole at one version, or refused whole.
     */
    String batch(String id, TableModel table, Limits limits) {
        List<String> ops = new java.util.ArrayList<>();
        if (random.nextInt(3) == 0) {
            ops.add(addColumn("x", table.columnIds()));
            if (!table.rowIds().isEmpty()) {
                ops.add(escape(SheetOps.edit("x", pick(table.rowIds()), "$0", value(limits), 0L)));
            }
            ops.add(escape(SheetOps.insertRow("x", null, java.util.Collections.singletonMap("$0", value(limits))))); // a value may be null
        }
        int more = 1 + random.nextInt(4);
        for (int i = 0; i < more && !table.columnIds().isEmpty(); i++) {
            String op = any("x", table, limits);
            if (!op.contains("\"type\":\"batch\"")) {
                ops.add(op);
            }
        }
        if (ops.isEmpty()) {
            ops.add(addColumn("x", table.columnIds()));
        }
        return escape(SheetOps.batch(id, ops.toArray(String[]::new)));
    }

    /** An edit of this cell with or without a base, current or stale as the client sees it. */
    String edit(String id, TableModel table, String row, String col, Limits limits) {
        Long base = switch (random.nextInt(4)) {
            case 0, 1 -> null;
            case 2 -> table.baseOf(row, col);
            default -> Math.max(0, table.baseOf(row, col) - 1 - random.nextInt(3));
        };
        return escape(SheetOps.edit(id, row, col, value(limits), base));
    }

    /** An edit with a large value (for floods: buffers fill fast). */
    String bigEdit(String id, String row, String col, int length) {
        String filler = Integer.toString(random.nextInt(1_000_000), 36);
        return SheetOps.edit(id, row, col, filler + "#".repeat(Math.max(0, length - filler.length())), null);
    }

    private String insertRow(String id, List<String> rows, List<String> cols, Limits limits) {
        Map<String, String> cells = new LinkedHashMap<>();
        for (String col : cols) {
            if (random.nextInt(3) == 0) {
                cells.put(col, value(limits));
            }
        }
        if (!cols.isEmpty() && random.nextInt(25) == 0) {
            cells.put("c" + (900_000 + random.nextInt(1000)), "no such column");
        }
        String after = rows.isEmpty() || random.nextInt(4) == 0 ? null : pick(rows);
        return escape(SheetOps.insertRow(id, after, cells));
    }

    private String addColumn(String id, List<String> cols) {
        String after = cols.isEmpty() || random.nextInt(3) == 0 ? null : pick(cols);
        return escape(SheetOps.addColumn(id, columnName(), after));
    }

    /** A cell value: mostly short text, sometimes empty, null, long, odd or broken UTF-16. */
    String value(Limits limits) {
        int pick = random.nextInt(100);
        if (pick < 40) {
            return WORDS[random.nextInt(WORDS.length)] + random.nextInt(1000);
        } else if (pick < 55) {
            return WORDS[random.nextInt(WORDS.length)] + WORDS[random.nextInt(WORDS.length)];
        } else if (pick < 65) {
            return null;
        } else if (pick < 70) {
            return "";
        } else if (pick < 80) {
            return "v".repeat(1 + random.nextInt(Math.min(3000, limits.maxValueLength())));
        } else if (pick < 84 && loneSurrogates) {
            return "s" + LONE[random.nextInt(LONE.length)] + random.nextInt(100);
        } else if (pick < 86) {
            return "w".repeat(limits.maxValueLength()); // exactly at the limit
        }
        return Integer.toString(random.nextInt(100_000));
    }

    /** A column name: mostly plain, sometimes odd or with a lone surrogate. */
    String columnName() {
        int pick = random.nextInt(20);
        if (pick == 0 && loneSurrogates) {
            return "col" + LONE[random.nextInt(LONE.length)];
        } else if (pick == 1) {
            return "n".repeat(200);
        } else if (pick < 5) {
            return WORDS[random.nextInt(WORDS.length)].strip() + "x";
        }
        return "col" + random.nextInt(1000);
    }

    private String pick(List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    /**
     * The frame with every lone surrogate written as a JSON escape ({@code \ud800}): jakarta.json writes
     * them raw, and a raw one cannot be encoded as UTF-8 at all. Everything else is left as it is.
     */
    /** Whether a frame written by {@link #escape} carries a lone surrogate (only those are written as escapes). */
    static boolean hasLoneSurrogate(String frame) {
        return frame.matches("(?s).*\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}.*");
    }

    static String escape(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean lone = Character.isHighSurrogate(c) && (i + 1 >= json.length() || !Character.isLowSurrogate(json.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(json.charAt(i - 1)));
            if (lone && out == null) {
                out = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            if (out != null) {
                if (lone) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? json : out.toString();
    }
}
