package dev.livegrid.protocol;

import dev.livegrid.sheet.Ids;
import dev.livegrid.sheet.UnicodeText;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

import java.util.ArrayList;
import java.util.List;

/**
 * The one shared, thread-safe {@link Jsonb} and the two directions of the sheet protocol.
 * <p>
 * Example frames, one per message type:
 * <pre>
 * → {"type":"edit","id":"op-17","row":"r1","col":"c2","value":"19","base":1}
 * → {"type":"insertRow","id":"op-18","after":"r1","cells":{"c1":"Hong"}}
 * → {"type":"deleteRow","id":"op-19","row":"r2"}
 * → {"type":"addColumn","id":"op-20","name":"email","after":"c2"}
 * → {"type":"renameColumn","id":"op-21","col":"c2","name":"Age"}
 * → {"type":"deleteColumn","id":"op-22","col":"c5"}
 * → {"type":"batch","id":"op-23","ops":[{"type":"addColumn","name":"email"},{"type":"edit","row":"r1","col":"$0","value":"a@b"}]}
 * → {"type":"focus","row":"r1","col":"c2"}      → {"type":"blur"}      → {"type":"auth","token":"eyJ…"}
 * ← {"type":"welcome","sheet":"demo","version":7,"you":"u-3f2a","columns":[…],"rows":[…],"users":[…]}
 * ← {"type":"applied","version":8,"by":"u-3f2a","id":"op-17","op":{"type":"edit","row":"r1","col":"c2","value":"19"}}
 * ← {"type":"rejected","id":"op-17","code":"conflict","message":"cell changed at version 8","current":{…}}
 * ← {"type":"presence","joined":[{"id":"u-3f2a","name":"Alice"}],"moved":[{"id":"u-77b1","focus":{"row":"r1","col":"c2"}}],"left":["u-9c0d"]}
 * ← {"type":"error","code":"bad-message","message":"…"}
 * </pre>
 */
public final class Codec {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private Codec() {
    }

    public static String encode(ServerMessage message) {
        return JSONB.toJson(message);
    }

    /**
     * A welcome whose {@code users} is already encoded (the room encodes its user list once for all
     * the joiners of a presence batch): written last, after the fields the record itself writes.
     */
    public static String encode(ServerMessage.Welcome welcome, String usersJson) {
        if (welcome.users() != null) {
            throw new IllegalArgumentException("the users are either in the record or encoded, not both");
        }
        String text = JSONB.toJson(welcome);
        return text.substring(0, text.length() - 1) + ",\"users\":" + usersJson + "}";
    }

    /** Any JSON value as text (for the HTTP API's bodies). */
    public static String toJson(Object value) {
        return JSONB.toJson(value);
    }

    /** Decodes one frame; never throws: a frame that is not a valid message becomes {@link ClientMessage.Malformed}. */
    public static ClientMessage decode(String text) {
        String shape = FrameShape.problemOf(text);
        if (shape != null) {
            return new ClientMessage.Malformed(shape);
        }
        ClientMessage message;
        try {
            message = JSONB.fromJson(text, ClientMessage.class);
        } catch (JsonbException | IllegalArgumentException | ClassCastException e) {
            return new ClientMessage.Malformed(problemOf(e));
        }
        if (message == null) {
            return new ClientMessage.Malformed("a message is a JSON object with a \"type\"");
        }
        if (message instanceof ClientMessage.Auth auth && (auth.token() == null || auth.token().isBlank())) {
            return new ClientMessage.Malformed("auth needs a \"token\": the fresh bearer token");
        }
        if (message instanceof ClientMessage.OpRequest op && !Ids.isValid(op.id())) {
            return new ClientMessage.Malformed("an op needs an \"id\" of 1-64 characters [A-Za-z0-9_-]");
        }
        if (message instanceof ClientMessage.Batch batch) {
            String problem = batchProblem(batch);
            if (problem != null) {
                return new ClientMessage.Malformed(problem);
            }
        }
        for (String field : textsOf(message)) {
            if (field != null && !UnicodeText.isWellFormed(field)) {
                return new ClientMessage.Malformed("text must be valid Unicode: a JSON escape such as \\ud800"
                        + " left a lone surrogate, which has no UTF-8 encoding");
            }
        }
        return message;
    }

    private static String batchProblem(ClientMessage.Batch batch) {
        if (batch.ops() == null || batch.ops().isEmpty()) {
            return "a batch needs \"ops\": an array of at least one op";
        }
        for (int i = 0; i < batch.ops().size(); i++) {
            ClientMessage op = batch.ops().get(i);
            if (!(op instanceof ClientMessage.OpRequest) || op instanceof ClientMessage.Batch) {
                return "ops[" + i + "] is not an op a batch can hold (edit, insertRow, deleteRow, addColumn,"
                        + " renameColumn, deleteColumn)";
            }
        }
        return null;
    }

    /** The free text a message carries (ids are checked by their pattern elsewhere). */
    private static List<String> textsOf(ClientMessage message) {
        List<String> texts = new ArrayList<>();
        if (message instanceof ClientMessage.Batch b) {
            b.ops().forEach(op -> texts.addAll(textsOf(op)));
        } else if (message instanceof ClientMessage.Edit e) {
            texts.add(e.value());
        } else if (message instanceof ClientMessage.InsertRow r && r.cells() != null) {
            texts.addAll(r.cells().keySet());
            texts.addAll(r.cells().values());
        } else if (message instanceof ClientMessage.AddColumn a) {
            texts.add(a.name());
        } else if (message instanceof ClientMessage.RenameColumn r) {
            texts.add(r.name());
        }
        return texts;
    }

    private static String problemOf(Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (detail.contains("Cannot infer a type") || detail.contains("Unknown alias")) {
            return "unknown or missing \"type\"; expected one of edit, insertRow, deleteRow, addColumn,"
                    + " renameColumn, deleteColumn, batch, focus, blur, auth";
        }
        return "not a valid message: " + (detail.length() > 200 ? detail.substring(0, 200) + "…" : detail);
    }
}
