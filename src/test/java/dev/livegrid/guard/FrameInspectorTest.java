package dev.livegrid.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import dev.livegrid.guard.FrameInspector.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Feeds masked frames built here, whole and split at every byte, and checks the verdict and where it comes. */
class FrameInspectorTest {

    private static final int FIN = 0x80;
    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int MIB = 1 << 20;
    private static final long MAX = MIB;

    private final Random random = new Random(6455);

    // ---- valid streams ----

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 127, 65535, 65536, MIB})
    void acceptsTextAndBinaryFramesOfEveryLengthForm(int length) {
        byte[] text = frame(FIN | TEXT, validText(length));
        byte[] binary = frame(FIN | BINARY, randomBytes(length));
        assertEquals(length < 126 ? length : length < 65536 ? 126 : 127, text[1] & 0x7F, "length form");
        byte[] stream = concat(text, binary);
        if (length <= 127) {
            assertSplitsAgree(MAX, stream, null);
        } else {
            assertNull(feedWhole(MAX, stream));
            assertNull(feedInChunks(MAX, stream, 1 + random.nextInt(3000)));
            for (int split = 0; split <= 16; split++) {
                assertNull(feedSplit(MAX, stream, split));
                assertNull(feedSplit(MAX, stream, text.length + split));
            }
        }
    }

    @Test
    void acceptsMessageOfExactlyMaxSizeWholeAndFragmented() {
        assertNull(feedWhole(MAX, frame(FIN | TEXT, validText(MIB))));
        byte[] fragmented = concat(frame(BINARY, randomBytes(MIB - 1000)), frame(CONTINUATION, randomBytes(999)),
                frame(FIN | CONTINUATION, randomBytes(1)));
        assertNull(feedWhole(MAX, fragmented));
    }

    @Test
    void acceptsMultiByteCharactersSplitAcrossFragmentsWithControlFramesBetween() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] smiley = "😀".getBytes(StandardCharsets.UTF_8);
        byte[] stream = concat(
                frame(TEXT, concat(ascii("ab"), Arrays.copyOf(euro, 2))),
                frame(FIN | PING, ascii("ping")),
                frame(CONTINUATION, concat(Arrays.copyOfRange(euro, 2, 3), Arrays.copyOf(smiley, 1))),
                frame(FIN | PONG, new byte[0]),
                frame(CONTINUATION, Arrays.copyOfRange(smiley, 1, 3)),
                frame(FIN | PING, randomBytes(125)),
                frame(FIN | CONTINUATION, concat(Arrays.copyOfRange(smiley, 3, 4), ascii("c"))),
                frame(FIN | TEXT, ascii("next message")));
        assertSplitsAgree(MAX, stream, null);
    }

    @Test
    void acceptsCloseWithCodeAndUtf8ReasonAndIgnoresLaterBytes() {
        byte[] close = frame(FIN | CLOSE, concat(code(1000), "bye – ça va ✓".getBytes(StandardCharsets.UTF_8)));
        assertSplitsAgree(MAX, close, null);
        assertSplitsAgree(MAX, concat(close, new byte[] {(byte) 0xFF, 0x00, (byte) 0x80}), null);
        assertSplitsAgree(MAX, concat(frame(FIN | CLOSE, new byte[0]), frame(FIN | TEXT, hex("c0af"), false)), null);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999})
    void acceptsCloseCodesAllowedOnTheWire(int closeCode) {
        assertSplitsAgree(MAX, frame(FIN | CLOSE, code(closeCode)), null);
    }

    @Test
    void binaryPayloadIsNotValidatedAsUtf8() {
        assertSplitsAgree(MAX, frame(FIN | BINARY, hex("eda080c0afff")), null);
    }

    // ---- violations, with the index of the first byte that must trigger them ----

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x20, 0x10})
    void reservedBitIsProtocolError(int rsv) {
        assertFirstViolation(MAX, frame(FIN | rsv | TEXT, ascii("x")), 1002, 0);
        assertFirstViolation(MAX, frame(FIN | rsv | PING, new byte[0]), 1002, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodeIsProtocolError(int opcode) {
        assertFirstViolation(MAX, frame(FIN | opcode, ascii("x")), 1002, 0);
    }

    @Test
    void unmaskedFrameIsProtocolError() {
        assertFirstViolation(MAX, frame(FIN | TEXT, ascii("hello"), false), 1002, 1);
        assertFirstViolation(MAX, frame(FIN | PING, new byte[0], false), 1002, 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {CLOSE, PING, PONG})
    void controlFrameLongerThan125IsProtocolError(int opcode) {
        byte[] payload = concat(code(1000), ascii("x".repeat(124)));
        assertFirstViolation(MAX, frame(FIN | opcode, payload), 1002, 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {CLOSE, PING, PONG})
    void fragmentedControlFrameIsProtocolError(int opcode) {
        assertFirstViolation(MAX, frame(opcode, code(1000)), 1002, 0);
    }

    @Test
    void continuationWithoutMessageIsProtocolError() {
        assertFirstViolation(MAX, frame(FIN | CONTINUATION, ascii("x")), 1002, 0);
        byte[] finished = frame(FIN | TEXT, ascii("done"));
        assertFirstViolation(MAX, concat(finished, frame(CONTINUATION, ascii("x"))), 1002, finished.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {TEXT, BINARY})
    void newDataFrameInsideFragmentedMessageIsProtocolError(int opcode) {
        byte[] started = concat(frame(BINARY, ascii("part")), frame(FIN | PING, ascii("between")));
        assertFirstViolation(MAX, concat(started, frame(FIN | opcode, ascii("x"))), 1002, started.length);
    }

    @Test
    void sixtyFourBitLengthWithMostSignificantBitIsProtocolError() {
        byte[] header = header(FIN | BINARY, 0x8000_0000_0000_0000L, 127);
        assertFirstViolation(MAX, header, 1002, 2);
    }

    @Test
    void messageOverMaxIsTooBigFromTheHeaderAlone() {
        assertFirstViolation(MAX, header(FIN | TEXT, MAX + 1, 127), 1009, 9);
        assertFirstViolation(125, header(FIN | BINARY, 126, 126), 1009, 3);
        assertFirstViolation(100, header(FIN | BINARY, 101, 101), 1009, 1);
        assertFirstViolation(0, header(FIN | TEXT, 1, 1), 1009, 1);
        assertFirstViolation(MAX, header(FIN | BINARY, Long.MAX_VALUE, 127), 1009, 9);
    }

    @Test
    void fragmentedMessageOverMaxIsTooBigAtTheOffendingFragmentHeader() {
        byte[] first = frame(TEXT, validText(MIB - 10));
        byte[] ping = frame(FIN | PING, randomBytes(125));
        byte[] stream = concat(first, ping, header(FIN | CONTINUATION, 11, 11));
        assertFirstViolation(MAX, stream, 1009, first.length + ping.length + 1);
        // The declared length is compared without overflowing the running total.
        byte[] huge = concat(first, header(FIN | CONTINUATION, Long.MAX_VALUE, 127));
        assertFirstViolation(MAX, huge, 1009, huge.length - 5);
    }

    @Test
    void invalidUtf8InTextIsInvalidPayloadAtTheOffendingByte() {
        byte[] surrogate = frame(FIN | TEXT, hex("61eda080"));
        assertFirstViolation(MAX, surrogate, 1007, surrogate.length - 2);
        byte[] overlong = frame(FIN | TEXT, hex("c0af"));
        assertFirstViolation(MAX, overlong, 1007, overlong.length - 2);
        byte[] tooHigh = frame(FIN | TEXT, hex("f4908080"));
        assertFirstViolation(MAX, tooHigh, 1007, tooHigh.length - 3);
    }

    @Test
    void invalidUtf8AcrossFragmentsIsInvalidPayload() {
        byte[] first = frame(TEXT, hex("61e282"));
        byte[] ping = frame(FIN | PING, ascii("p"));
        byte[] last = frame(FIN | CONTINUATION, hex("2862"));
        assertFirstViolation(MAX, concat(first, ping, last), 1007, first.length + ping.length + last.length - 2);
    }

    @Test
    void textEndingInsideASequenceIsInvalidPayload() {
        byte[] single = frame(FIN | TEXT, hex("61e282"));
        assertFirstViolation(MAX, single, 1007, single.length - 1);
        byte[] fragmented = concat(frame(TEXT, hex("61")), frame(FIN | CONTINUATION, hex("f09f98")));
        assertFirstViolation(MAX, fragmented, 1007, fragmented.length - 1);
        byte[] emptyLast = concat(frame(TEXT, hex("e282")), frame(FIN | CONTINUATION, new byte[0]));
        assertFirstViolation(MAX, emptyLast, 1007, emptyLast.length - 1);
    }

    @Test
    void closeWithOneBytePayloadIsProtocolError() {
        assertFirstViolation(MAX, frame(FIN | CLOSE, hex("03")), 1002, 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    void closeCodeNotAllowedOnTheWireIsProtocolError(int closeCode) {
        byte[] close = frame(FIN | CLOSE, concat(code(closeCode), ascii("reason")));
        assertFirstViolation(MAX, close, 1002, 7);
    }

    @Test
    void invalidCloseReasonIsInvalidPayload() {
        byte[] invalid = frame(FIN | CLOSE, concat(code(1000), hex("61eda080")));
        assertFirstViolation(MAX, invalid, 1007, invalid.length - 2);
        byte[] truncated = frame(FIN | CLOSE, concat(code(1001), hex("61e282")));
        assertFirstViolation(MAX, truncated, 1007, truncated.length - 1);
    }

    @Test
    void violationIsRepeatedForEveryLaterCall() {
        FrameInspector inspector = new FrameInspector(MAX);
        Violation first = inspector.inspect(ByteBuffer.wrap(frame(FIN | 0x3, new byte[0])));
        assertNotNull(first);
        assertSame(first, inspector.inspect(ByteBuffer.wrap(frame(FIN | TEXT, ascii("fine")))));
        assertSame(first, inspector.inspect(ByteBuffer.allocate(0)));
    }

    @Test
    void violationReasonMustFitACloseFrame() {
        assertThrows(IllegalArgumentException.class, () -> new Violation(1002, "é".repeat(62)));
        assertEquals(123, new Violation(1002, "é".repeat(61) + "x").reason().getBytes(StandardCharsets.UTF_8).length);
    }

    // ---- feeding ----

    /** Feeds the stream whole, in two chunks at every split, and byte by byte; all must agree. */
    private static void assertSplitsAgree(long max, byte[] stream, Integer expectedCode) {
        assertEquals(expectedCode, code(feedWhole(max, stream)), "whole");
        for (int split = 0; split <= stream.length; split++) {
            assertEquals(expectedCode, code(feedSplit(max, stream, split)), "split at " + split);
        }
        assertEquals(expectedCode, code(feedInChunks(max, stream, 1)), "byte by byte");
    }

    /** Checks the close code in every split, and that byte-by-byte feeding reports it exactly at the given byte. */
    private static void assertFirstViolation(long max, byte[] stream, int expectedCode, int offendingIndex) {
        if (stream.length <= 300) {
            assertSplitsAgree(max, stream, expectedCode);
        } else {
            assertEquals(expectedCode, code(feedWhole(max, stream)), "whole");
        }
        FrameInspector inspector = new FrameInspector(max);
        for (int i = 0; i < stream.length; i++) {
            Violation violation = inspect(inspector, stream, i, 1);
            if (violation != null) {
                assertEquals(offendingIndex, i, "violation reported at the wrong byte: " + violation);
                assertEquals(expectedCode, violation.closeCode());
                return;
            }
        }
        throw new AssertionError("no violation reported");
    }

    private static Violation feedWhole(long max, byte[] stream) {
        return inspect(new FrameInspector(max), stream, 0, stream.length);
    }

    private static Violation feedSplit(long max, byte[] stream, int split) {
        FrameInspector inspector = new FrameInspector(max);
        inspect(inspector, stream, 0, split);
        return inspect(inspector, stream, split, stream.length - split);
    }

    private static Violation feedInChunks(long max, byte[] stream, int chunk) {
        FrameInspector inspector = new FrameInspector(max);
        Violation violation = null;
        for (int at = 0; at < stream.length; at += chunk) {
            violation = inspect(inspector, stream, at, Math.min(chunk, stream.length - at));
        }
        return violation;
    }

    /** Passes a window of a larger buffer, to check that position and limit are honoured and left alone. */
    private static Violation inspect(FrameInspector inspector, byte[] stream, int offset, int length) {
        byte[] padded = new byte[length + 6];
        Arrays.fill(padded, (byte) 0x88);
        System.arraycopy(stream, offset, padded, 3, length);
        byte[] before = padded.clone();
        ByteBuffer window = ByteBuffer.wrap(padded, 3, length);
        Violation violation = inspector.inspect(window);
        assertEquals(3, window.position(), "position moved");
        assertEquals(3 + length, window.limit(), "limit moved");
        assertArrayEquals(before, padded, "bytes modified");
        return violation;
    }

    private static Integer code(Violation violation) {
        return violation == null ? null : violation.closeCode();
    }

    // ---- building frames ----

    private byte[] frame(int firstByte, byte[] payload) {
        return frame(firstByte, payload, true);
    }

    /** A client frame with the minimal length form; masked with a fresh key, as browsers do. */
    private byte[] frame(int firstByte, byte[] payload, boolean masked) {
        int length = payload.length;
        int length7 = length < 126 ? length : length < 65536 ? 126 : 127;
        byte[] header = masked ? header(firstByte, length, length7)
                : Arrays.copyOf(header(firstByte, length, length7), 2 + extendedLength(length7));
        if (!masked) {
            header[1] &= 0x7F;
            return concat(header, payload);
        }
        byte[] frame = concat(header, payload);
        for (int i = 0; i < length; i++) {
            frame[header.length + i] ^= header[header.length - 4 + i % 4];
        }
        return frame;
    }

    /** A masked frame header announcing the given length in the form chosen by length7 (126: 16 bits, 127: 64). */
    private byte[] header(int firstByte, long length, int length7) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        out.write(0x80 | length7);
        for (int i = extendedLength(length7) - 1; i >= 0; i--) {
            out.write((int) (length >>> (8 * i)));
        }
        for (int i = 0; i < 4; i++) {
            out.write(1 + random.nextInt(255));
        }
        return out.toByteArray();
    }

    private static int extendedLength(int length7) {
        return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    }

    /** Valid UTF-8 of exactly the given length, mixing 1- to 4-byte characters so that masking errors show. */
    private static byte[] validText(int length) {
        byte[] unit = "aé€😀".getBytes(StandardCharsets.UTF_8);
        byte[] text = new byte[length];
        int whole = length - length % unit.length;
        for (int i = 0; i < whole; i++) {
            text[i] = unit[i % unit.length];
        }
        Arrays.fill(text, whole, length, (byte) 'z');
        return text;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] code(int closeCode) {
        return new byte[] {(byte) (closeCode >>> 8), (byte) closeCode};
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
