package dev.livegrid.sheet;

import java.util.List;

/** Which applied ops wrote a given cell, and what: for a cell's history. */
public final class CellWrites {

    private CellWrites() {
    }

    /**
     * The ops among {@code applied} (an op, or each op of a batch) that wrote cell {@code row}/{@code col}:
     * an edit of it, or the insert of its row with a value for the column. A batch writes a cell at
     * most once, so this is empty or one op.
     */
    public static List<Op> of(Op applied, String row, String col) {
        if (applied instanceof Op.Batch batch) {
            return batch.ops().stream().filter(op -> writes(op, row, col)).toList();
        }
        return writes(applied, row, col) ? List.of(applied) : List.of();
    }

    /** The value a write found by {@link #of} left in the cell (null: emptied). */
    public static String value(Op write, String col) {
        return write instanceof Op.Edit e ? e.value() : ((Op.InsertRow) write).cells().get(col);
    }

    private static boolean writes(Op op, String row, String col) {
        return op instanceof Op.Edit e && e.row().equals(row) && e.col().equals(col)
                || op instanceof Op.InsertRow r && row.equals(r.row()) && r.cells().containsKey(col);
    }
}
