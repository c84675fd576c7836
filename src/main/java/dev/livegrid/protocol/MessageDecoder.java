package dev.livegrid.protocol;

import jakarta.websocket.Decoder;

/** Decodes every text frame of {@code /sheets/{sheetId}}; invalid frames become {@link ClientMessage.Malformed}. Stateless. */
public final class MessageDecoder implements Decoder.Text<ClientMessage> {

    @Override
    public ClientMessage decode(String text) {
        return Codec.decode(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
