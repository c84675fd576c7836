package dev.livegrid.protocol;

import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/** Writes a cursor move with an explicit {@code "focus":null} when it left every cell (JSON-B would leave the field out). */
public final class MovedSerializer implements JsonbSerializer<ServerMessage.Moved> {

    @Override
    public void serialize(ServerMessage.Moved moved, JsonGenerator out, SerializationContext ctx) {
        out.writeStartObject().write("id", moved.id());
        if (moved.focus() == null) {
            out.writeNull("focus");
        } else {
            out.writeStartObject("focus").write("row", moved.focus().row()).write("col", moved.focus().col()).writeEnd();
        }
        out.writeEnd();
    }
}
