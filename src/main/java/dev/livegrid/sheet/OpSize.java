package dev.livegrid.sheet;

import java.util.Map;

/**
 * About how many bytes an applied op takes in its {@code applied} message: its text in UTF-8 plus a
 * fixed allowance for ids, versions and JSON punctuation. It bounds a batch, so that one message
 * never fills a reader's outbox on its own ({@link Limits#maxOpSize()}).
 */
final class OpSize {

    /** An op's frame around its fields: {@code {"type":"applied","version":…,"by":…,"id":…,"op":{…}}}. */
    static final long OP = 48;
    /** One cell of an inserted row: {@code "c123456-7":"",}. */
    static final long CELL = 16;

    private OpSize() {
    }

    static long of(Op applied) {
        if (applied instanceof Op.Edit e) {
            return OP + text(e.value());
        } else if (applied instanceof Op.InsertRow r) {
            long bytes = OP;
            for (Map.Entry<String, String> cell : r.cells().entrySet()) {
                bytes += CELL + text(cell.getValue());
            }
            return bytes;
        } else if (applied instanceof Op.AddColumn a) {
            return OP + text(a.name());
        } else if (applied instanceof Op.RenameColumn r) {
            return OP + text(r.name());
        } else if (applied instanceof Op.Batch b) {
            long bytes = OP;
            for (Op op : b.ops()) {
                bytes += of(op);
            }
            return bytes;
        }
        return OP;
    }

    private static long text(String value) {
        return value == null ? 0 : UnicodeText.utf8Length(value);
    }
}
