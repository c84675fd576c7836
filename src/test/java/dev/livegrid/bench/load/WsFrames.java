package dev.livegrid.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** RFC 6455 framing for a client: masked frames out, the server's unmasked frames read in place. */
final class WsFrames {

    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CONTINUATION = 0;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    private WsFrames() {
    }

    /**
     * One final frame, masked with {@code maskKey} as a client must. The key need not be
     * unpredictable here: masking guards browsers' intermediaries, not a generator on 127.0.0.1.
     */
    static ByteBuffer frame(int opcode, byte[] payload, int maskKey) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer out = ByteBuffer.allocate(header + 4 + length);
        out.put((byte) (0x80 | opcode));
        if (length < 126) {
            out.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            out.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127)).putLong(length);
        }
        out.putInt(maskKey);
        byte[] mask = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        for (int i = 0; i < length; i++) {
            out.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return out.flip();
    }

    static ByteBuffer text(String text, int maskKey) {
        return frame(TEXT, text.getBytes(StandardCharsets.UTF_8), maskKey);
    }

    /** The {@code Sec-WebSocket-Accept} value the server must answer for {@code key}. */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * Header of the frame starting at {@code buffer}'s position, or null when not all of the
     * header has arrived. Does not move the position.
     */
    static Header header(ByteBuffer buffer) {
        int p = buffer.position();
        int available = buffer.remaining();
        if (available < 2) {
            return null;
        }
        int b0 = buffer.get(p) & 0xFF;
        int b1 = buffer.get(p + 1) & 0xFF;
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        int size = 2;
        if (length == 126) {
            if (available < 4) {
                return null;
            }
            length = buffer.getShort(p + 2) & 0xFFFF;
            size = 4;
        } else if (length == 127) {
            if (available < 10) {
                return null;
            }
            length = buffer.getLong(p + 2);
            size = 10;
        }
        if (masked) {
            size += 4; // a server must not mask; the connection fails such a frame
        }
        return new Header((b0 & 0x80) != 0, b0 & 0x0F, masked, size, length);
    }

    record Header(boolean fin, int opcode, boolean masked, int size, long payloadLength) {
    }
}
