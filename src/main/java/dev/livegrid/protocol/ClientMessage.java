package dev.livegrid.protocol;

import dev.livegrid.sheet.Op;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every message a client sends on {@code /sheets/{sheetId}}, as it appears on the wire (see
 * docs/PROTOCOL.md); {@code type} selects the record. {@link Malformed} is what the decoder makes of
 * a frame that is none of them.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "edit", type = ClientMessage.Edit.class),
        @JsonbSubtype(alias = "insertRow", type = ClientMessage.InsertRow.class),
        @JsonbSubtype(alias = "deleteRow", type = ClientMessage.DeleteRow.class),
        @JsonbSubtype(alias = "addColumn", type = ClientMessage.AddColumn.class),
        @JsonbSubtype(alias = "renameColumn", type = ClientMessage.RenameColumn.class),
        @JsonbSubtype(alias = "deleteColumn", type = ClientMessage.DeleteColumn.class),
        @JsonbSubtype(alias = "batch", type = ClientMessage.Batch.class),
        @JsonbSubtype(alias = "focus", type = ClientMessage.Focus.class),
        @JsonbSubtype(alias = "blur", type = ClientMessage.Blur.class),
        @JsonbSubtype(alias = "auth", type = ClientMessage.Auth.class)})
public sealed interface ClientMessage {

    /** An op: it carries the client's op id and becomes a sheet {@link Op}. */
    sealed interface OpRequest extends ClientMessage {
        String id();

        Op toOp();
    }

    record Edit(String id, String row, String col, String value, Long base) implements OpRequest {
        @Override
        public Op toOp() {
            return new Op.Edit(row, col, value, base);
        }
    }

    record InsertRow(String id, String after, Map<String, String> cells) implements OpRequest {
        @Override
        public Op toOp() {
            return new Op.InsertRow(null, after, cells);
        }
    }

    record DeleteRow(String id, String row, Long base) implements OpRequest {
        @Override
        public Op toOp() {
            return new Op.DeleteRow(row, base);
        }
    }

    record AddColumn(String id, String name, String after) implements OpRequest {
        @Override
        public Op toOp() {
            return new Op.AddColumn(null, name, after);
        }
    }

    record RenameColumn(String id, String col, String name) implements OpRequest {
        @Override
        public Op toOp() {
            return new Op.RenameColumn(col, name);
        }
    }

    record DeleteColumn(String id, String col, Long base) implements OpRequest {
        @Override
        public Op toOp() {
            return new Op.DeleteColumn(col, base);
        }
    }

    /**
     * Several ops applied at one version, or none of them; {@code ops} are op messages without
     * {@code id} (an {@code id} there is ignored). The decoder has checked that each is an op and none a batch.
     */
    record Batch(String id, List<ClientMessage> ops) implements OpRequest {
        @Override
        public Op toOp() {
            List<Op> sheetOps = new ArrayList<>(ops.size());
            for (ClientMessage op : ops) {
                sheetOps.add(((OpRequest) op).toOp());
            }
            return new Op.Batch(sheetOps);
        }
    }

    /** The sender's cursor is on this cell. */
    record Focus(String row, String col) implements ClientMessage {
    }

    /** The sender's cursor left the table. */
    record Blur() implements ClientMessage {
    }

    /** A fresh token for the same user, to replace the one the connection opened with before it expires. */
    record Auth(String token) implements ClientMessage {
        @Override
        public String toString() {
            return "Auth[token=(not shown)]"; // a token must never reach a log
        }
    }

    /** A frame that is not a valid message; {@code problem} says why, for the {@code error} reply. */
    record Malformed(String problem) implements ClientMessage {
    }
}
