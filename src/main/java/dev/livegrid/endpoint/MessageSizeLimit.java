package dev.livegrid.endpoint;

import dev.livegrid.sheet.UnicodeText;
import jakarta.websocket.CloseReason;

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
        // every char is at least one byte, so a long text is over without counting
        return text.length() > maxBytes || UnicodeText.utf8Length(text) > maxBytes;
    }

    boolean exceeds(ByteBuffer binary) {
        return binary.remaining() > maxBytes;
    }

    /** The 1009 close, with the reason the standalone server gives. */
    CloseReason closeReason() {
        return new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message longer than " + maxBytes + " bytes");
    }

}
