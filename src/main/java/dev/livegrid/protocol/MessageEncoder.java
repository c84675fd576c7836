package dev.livegrid.protocol;

import jakarta.websocket.Encoder;

/** Encodes a {@link ServerMessage} with the shared {@code Jsonb}. */
public final class MessageEncoder implements Encoder.Text<ServerMessage> {

    @Override
    public String encode(ServerMessage message) {
        return Codec.encode(message);
    }
}
