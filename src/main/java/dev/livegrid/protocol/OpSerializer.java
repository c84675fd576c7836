package dev.livegrid.protocol;

import dev.livegrid.sheet.Op;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

import java.util.Map;

/**
 * Writes an op as applied, the {@code op} of an {@code applied} message: its {@code type} and its
 * fields, with {@code after} and an edit's {@code value} written even when null; a batch as its
 * {@code ops}, each written the same way.
 */
public final class OpSerializer implements JsonbSerializer<Op> {

    @Override
    public void serialize(Op op, JsonGenerator out, SerializationContext ctx) {
        out.writeStartObject();
        fields(op, out);
        out.writeEnd();
    }

    private static void fields(Op op, JsonGenerator out) {
        if (op instanceof Op.Edit e) {
            out.write("type", "edit").write("row", e.row()).write("col", e.col());
            writeNullable(out, "value", e.value());
        } else if (op instanceof Op.InsertRow r) {
            out.write("type", "insertRow").write("row", r.row());
            writeNullable(out, "after", r.after());
            out.writeStartObject("cells");
            for (Map.Entry<String, String> cell : r.cells().entrySet()) {
                writeNullable(out, cell.getKey(), cell.getValue());
            }
            out.writeEnd();
        } else if (op instanceof Op.DeleteRow d) {
            out.write("type", "deleteRow").write("row", d.row());
        } else if (op instanceof Op.AddColumn a) {
            out.write("type", "addColumn").write("col", a.col()).write("name", a.name());
            writeNullable(out, "after", a.after());
        } else if (op instanceof Op.RenameColumn r) {
            out.write("type", "renameColumn").write("col", r.col()).write("name", r.name());
        } else if (op instanceof Op.DeleteColumn d) {
            out.write("type", "deleteColumn").write("col", d.col());
        } else {
            out.write("type", "batch").writeStartArray("ops");
            for (Op sub : ((Op.Batch) op).ops()) {
                out.writeStartObject();
                fields(sub, out);
                out.writeEnd();
            }
            out.writeEnd();
        }
    }

    private static void writeNullable(JsonGenerator out, String name, String value) {
        if (value == null) {
            out.writeNull(name);
        } else {
            out.write(name, value);
        }
    }
}
