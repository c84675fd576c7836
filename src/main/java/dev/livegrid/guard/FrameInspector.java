package dev.livegrid.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Follows the client-to-server WebSocket frames (RFC 6455) of one connection and names its first protocol violation. */
public final class FrameInspector {

    private static final int PROTOCOL_ERROR = 1002;
    private static final int INVALID_PAYLOAD = 1007;
    private static final int MESSAGE_TOO_BIG = 1009;

    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PONG = 0xA;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** Two header bytes and the masking key: the header length until the second byte tells otherwise. */
    private static final int SHORT_HEADER = 6;
    private static final int LONG_HEADER = 14;

    private final long maxMessageSize;
    private final Utf8Validator messageUtf8 = new Utf8Validator();
    private final Utf8Validator closeReasonUtf8 = new Utf8Validator();
    private final byte[] maskKey = new byte[4];

    private Violation violation;
    private boolean closeReceived;

    // The frame being read.
    private boolean inPayload;
    private int headerPos;
    private int headerLength = SHORT_HEADER;
    private boolean fin;
    private int opcode;
    private long payloadLength;
    private long remaining;
    private int maskPos;
    private int closeCode;

    // The data message being read, which may span several frames.
    private boolean messageInProgress;
    private boolean textMessage;
    private long messageSize;

    /** @param maxMessageSize largest accepted data message in bytes, summed over all of its fragments */
    public FrameInspector(long maxMessageSize) {
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must not be negative: " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * Inspects the next bytes of the stream (from position to limit, position NOT moved); null while all is
     * well, else the violation. Once a violation is returned every later call returns it again.
     */
    public Violation inspect(ByteBuffer bytes) {
        int at = bytes.position();
        int limit = bytes.limit();
        while (at < limit && violation == null && !closeReceived) {
            if (inPayload) {
                at = payload(bytes, at, limit);
            } else {
                headerByte(bytes.get(at++));
            }
        }
        return violation;
    }

    /**
     * Why the connection must be failed.
     *
     * @param closeCode the close code to send (1002, 1007 or 1009)
     * @param reason    short English text, at most 123 UTF-8 bytes so that it fits a close frame
     */
    public record Violation(int closeCode, String reason) {
        public Violation {
            Objects.requireNonNull(reason, "reason");
            if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
                throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes: " + reason);
            }
        }
    }

    // Every header byte is checked on arrival so that a violation is reported with the chunk that holds it.
    private void headerByte(byte b) {
        int pos = headerPos++;
        int value = b & 0xFF;
        if (pos == 0) {
            firstByte(value);
        } else if (pos == 1) {
            secondByte(value);
        } else if (pos < headerLength - 4) {
            lengthByte(pos, value);
        } else {
            maskKey[pos - (headerLength - 4)] = b;
        }
        if (violation == null && headerPos == headerLength) {
            startPayload();
        }
    }

    private void firstByte(int value) {
        fin = (value & 0x80) != 0;
        opcode = value & 0x0F;
        if ((value & 0x70) != 0) {
            fail(PROTOCOL_ERROR, "reserved bit set without a negotiated extension");
        } else if (opcode > OP_BINARY && opcode < OP_CLOSE || opcode > OP_PONG) {
            fail(PROTOCOL_ERROR, "reserved opcode 0x" + Integer.toHexString(opcode));
        } else if (isControl()) {
            if (!fin) {
                fail(PROTOCOL_ERROR, "fragmented control frame");
            }
        } else if (opcode == OP_CONTINUATION) {
            continueMessage();
        } else {
            startMessage();
        }
    }

    private void continueMessage() {
        if (!messageInProgress) {
            fail(PROTOCOL_ERROR, "continuation frame without a message in progress");
            return;
        }
        messageInProgress = !fin;
    }

    private void startMessage() {
        if (messageInProgress) {
            fail(PROTOCOL_ERROR, "new data frame inside a fragmented message");
            return;
        }
        messageInProgress = !fin;
        textMessage = opcode == OP_TEXT;
        messageSize = 0;
        messageUtf8.reset();
    }

    private void secondByte(int value) {
        int length7 = value & 0x7F;
        payloadLength = 0;
        if ((value & 0x80) == 0) {
            fail(PROTOCOL_ERROR, "unmasked client frame");
        } else if (isControl() && length7 > MAX_CONTROL_PAYLOAD) {
            fail(PROTOCOL_ERROR, "control frame payload longer than 125 bytes");
        } else if (length7 == 126) {
            headerLength = SHORT_HEADER + 2;
        } else if (length7 == 127) {
            headerLength = LONG_HEADER;
        } else {
            payloadLength = length7;
            lengthKnown();
        }
    }

    private void lengthByte(int pos, int value) {
        if (pos == 2 && headerLength == LONG_HEADER && value >= 0x80) {
            fail(PROTOCOL_ERROR, "64-bit payload length with the most significant bit set");
            return;
        }
        payloadLength = payloadLength << 8 | value;
        if (pos == headerLength - 5) {
            lengthKnown();
        }
    }

    private void lengthKnown() {
        if (opcode == OP_CLOSE && payloadLength == 1) {
            fail(PROTOCOL_ERROR, "close frame payload of 1 byte");
        } else if (!isControl()) {
            // Subtraction, not addition: a declared length near 2^63 must not overflow the sum.
            if (payloadLength > maxMessageSize - messageSize) {
                fail(MESSAGE_TOO_BIG, "message longer than " + maxMessageSize + " bytes");
            } else {
                messageSize += payloadLength;
            }
        }
    }

    private void startPayload() {
        inPayload = true;
        remaining = payloadLength;
        maskPos = 0;
        closeCode = 0;
        closeReasonUtf8.reset();
        if (remaining == 0) {
            endFrame();
        }
    }

    private int payload(ByteBuffer bytes, int from, int limit) {
        int end = from + (int) Math.min(remaining, limit - from);
        if (opcode == OP_CLOSE) {
            closePayload(bytes, from, end);
        } else if (textMessage && !isControl()) {
            textPayload(bytes, from, end);
        }
        remaining -= end - from;
        if (remaining == 0 && violation == null) {
            endFrame();
        }
        return end;
    }

    private void textPayload(ByteBuffer bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            if (!messageUtf8.accept(unmask(bytes.get(i)))) {
                fail(INVALID_PAYLOAD, "invalid UTF-8 in text message");
                return;
            }
        }
    }

    // Checked byte by byte rather than buffered: the code and the reason may straddle chunks all the same.
    private void closePayload(ByteBuffer bytes, int from, int end) {
        int index = (int) (payloadLength - remaining);
        for (int i = from; i < end && violation == null; i++, index++) {
            byte b = unmask(bytes.get(i));
            if (index < 2) {
                closeCodeByte(index, b);
            } else if (!closeReasonUtf8.accept(b)) {
                fail(INVALID_PAYLOAD, "invalid UTF-8 in close reason");
            }
        }
    }

    private void closeCodeByte(int index, byte b) {
        closeCode = closeCode << 8 | (b & 0xFF);
        if (index == 1 && !mayAppearOnWire(closeCode)) {
            fail(PROTOCOL_ERROR, "close code " + closeCode + " not allowed on the wire");
        }
    }

    private static boolean mayAppearOnWire(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    private byte unmask(byte b) {
        byte plain = (byte) (b ^ maskKey[maskPos]);
        maskPos = (maskPos + 1) & 3;
        return plain;
    }

    private void endFrame() {
        inPayload = false;
        headerPos = 0;
        headerLength = SHORT_HEADER;
        if (opcode == OP_CLOSE) {
            if (!closeReasonUtf8.isComplete()) {
                fail(INVALID_PAYLOAD, "close reason ends inside a UTF-8 sequence");
            }
            closeReceived = true;
        } else if (!isControl() && fin && textMessage && !messageUtf8.isComplete()) {
            fail(INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
    }

    private boolean isControl() {
        return opcode >= OP_CLOSE;
    }

    private void fail(int closeCode, String reason) {
        violation = new Violation(closeCode, reason);
    }
}
