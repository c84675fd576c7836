package dev.livegrid.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 frames as a server writes them: one final, unmasked frame per message. A server frame
 * carries no mask, so the same bytes can go to every viewer of a sheet.
 */
public final class ServerFrames {

    private static final int FIN_TEXT = 0x81;

    private ServerFrames() {
    }

    /**
     * The text message as one frame. Throws {@link IllegalArgumentException} for a string that is not
     * well-formed UTF-16 (a lone surrogate), which has no UTF-8 form: Tyrus refuses to send those
     * too, and {@code String.getBytes} would silently turn it into {@code ?}.
     */
    public static ByteBuffer text(String text) {
        requireWellFormed(text);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        frame.put((byte) FIN_TEXT);
        if (length < 126) {
            frame.put((byte) length);
        } else if (length < 65_536) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).flip();
    }

    private static void requireWellFormed(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else {
                throw new IllegalArgumentException("a lone surrogate at index " + i + " has no UTF-8 form");
            }
        }
    }
}
