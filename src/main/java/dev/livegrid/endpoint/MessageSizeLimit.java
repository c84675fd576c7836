package dev.livegrid.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The {@code max-message-size} limit applied by the endpoints themselves, to a message the runtime
 * has already assembled. Standalone the frame guard closes with 1009 from the first frame header, and
 * Tyrus (Payara, GlassFish) enforces the session's buffer size; Undertow (WildFly) delivers longer
 * messages whole, so without this check they would be processed there.
 */
final class MessageSizeLimit {

    private final long maxBytes;

    MessageSizeLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Whether the text is longer than the limit in UTF-8 bytes (counted without encoding it). */
    boolean exceeds(String text) {
        if (text.length() > maxBytes) {
            return true; // every char is at least one byte
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > maxBytes) {
                return true;
            }
        }
        return false;
    }

    boolean exceeds(ByteBuffer binary) {
        return binary.remaining() > maxBytes;
    }

    /** Closes the session with 1009, with the reason the standalone server gives. */
    void close(Session session) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG,
                    "message longer than " + maxBytes + " bytes"));
        } catch (IOException | RuntimeException e) {
            // already closing: nothing more to do
        }
    }
}
