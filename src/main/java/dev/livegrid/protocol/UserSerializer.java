package dev.livegrid.protocol;

import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/** Writes a user with an explicit {@code "focus":null} when it is on no cell (JSON-B would leave the field out). */
public final class UserSerializer implements JsonbSerializer<ServerMessage.User> {

    @Override
    public void serialize(ServerMessage.User user, JsonGenerator out, SerializationContext ctx) {
        out.writeStartObject().write("id", user.id()).write("name", user.name());
        if (user.focus() == null) {
            out.writeNull("focus");
        } else {
            out.writeStartObject("focus").write("row", user.focus().row()).write("col", user.focus().col()).writeEnd();
        }
        out.writeEnd();
    }
}
