package dev.livegrid.sheet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The references of one batch being applied: inside a {@link Op.Batch} a field naming a row or a column
 * ({@code row}, {@code col}, {@code after}, a key of {@code cells}) may be {@code $k}, the row or column
 * that op {@code k} (counting from 0) of the same batch created. That lets one batch add a column and
 * fill it, or insert rows below rows it inserted, although the ids are only assigned as it applies.
 * {@code $} is not an id character, so a reference can never be mistaken for an id.
 */
final class BatchRefs {

    static final String PREFIX = "$";
    /** An op's index: digits only (no sign), few enough to be an int. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

    /** Op index → the row or column id it created, or null. */
    private final List<String> created = new ArrayList<>();
    private final List<Boolean> isRow = new ArrayList<>();

    /** A reference that names nothing a previous op of the batch created. */
    static final class Unresolved extends Exception {
        Unresolved(String message) {
            super(message, null, false, false);
        }
    }

    /** Records what the next op of the batch created (null: nothing). */
    void created(Op applied) {
        if (applied instanceof Op.InsertRow r) {
            created.add(r.row());
            isRow.add(true);
        } else if (applied instanceof Op.AddColumn a) {
            created.add(a.col());
            isRow.add(false);
        } else {
            created.add(null);
            isRow.add(null);
        }
    }

    /** The op with every reference replaced by the id it names. */
    Op resolve(Op op) throws Unresolved {
        if (op instanceof Op.Edit e) {
            return new Op.Edit(row(e.row()), column(e.col()), e.value(), e.base());
        } else if (op instanceof Op.InsertRow r) {
            Map<String, String> cells = new LinkedHashMap<>();
            for (Map.Entry<String, String> cell : r.cells().entrySet()) {
                cells.put(column(cell.getKey()), cell.getValue());
            }
            return new Op.InsertRow(r.row(), row(r.after()), cells);
        } else if (op instanceof Op.DeleteRow d) {
            return new Op.DeleteRow(row(d.row()), d.base());
        } else if (op instanceof Op.AddColumn a) {
            return new Op.AddColumn(a.col(), a.name(), column(a.after()));
        } else if (op instanceof Op.RenameColumn r) {
            return new Op.RenameColumn(column(r.col()), r.name());
        } else if (op instanceof Op.DeleteColumn d) {
            return new Op.DeleteColumn(column(d.col()), d.base());
        }
        throw new Unresolved("a batch cannot hold a batch");
    }

    private String row(String name) throws Unresolved {
        return lookUp(name, true);
    }

    private String column(String name) throws Unresolved {
        return lookUp(name, false);
    }

    private String lookUp(String name, boolean row) throws Unresolved {
        if (name == null || !name.startsWith(PREFIX)) {
            return name;
        }
        String kind = row ? "row" : "column";
        String digits = name.substring(PREFIX.length());
        if (!DIGITS.matcher(digits).matches()) {
            throw new Unresolved("\"" + shorten(name) + "\" is not a reference: $ and the index of an earlier op of the batch");
        }
        int index = Integer.parseInt(digits);
        if (index < 0 || index >= created.size() || created.get(index) == null || isRow.get(index) != row) {
            throw new Unresolved("\"" + name + "\" names no " + kind + " created by an earlier op of this batch");
        }
        return created.get(index);
    }

    private static String shorten(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "…" : text;
    }
}
