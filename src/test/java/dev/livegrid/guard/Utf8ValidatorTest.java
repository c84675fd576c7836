package dev.livegrid.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the validator against classic samples and, exhaustively, against the JDK's own UTF-8 encoder and decoder. */
class Utf8ValidatorTest {

    /** Byte strings of length 1, 2 and 3 that some valid UTF-8 text starts with, indexed by their bytes. */
    private static final BitSet[] VALID_PREFIX = {new BitSet(1 << 8), new BitSet(1 << 16), new BitSet(1 << 24)};
    /** Byte strings of length 1, 2 and 3 that are valid UTF-8 text on their own. */
    private static final BitSet[] VALID_TEXT = {new BitSet(1 << 8), new BitSet(1 << 16), new BitSet(1 << 24)};

    /** Derives the reference sets from the JDK encoder, so that they share no logic with the validator. */
    @BeforeAll
    static void deriveReferenceFromJdkEncoder() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                addEncoding(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        }
        // Prefixes and texts that span a code point boundary: a shorter one followed by another.
        for (int first = 1; first <= 2; first++) {
            for (int second = 1; first + second <= 3; second++) {
                concatenate(VALID_TEXT[first - 1], VALID_TEXT[second - 1], second, VALID_TEXT[first + second - 1]);
                concatenate(VALID_TEXT[first - 1], VALID_PREFIX[second - 1], second,
                        VALID_PREFIX[first + second - 1]);
            }
        }
    }

    private static void addEncoding(byte[] encoding) {
        int value = 0;
        for (int i = 0; i < Math.min(3, encoding.length); i++) {
            value = value << 8 | (encoding[i] & 0xFF);
            VALID_PREFIX[i].set(value);
        }
        if (encoding.length <= 3) {
            VALID_TEXT[encoding.length - 1].set(value);
        }
    }

    private static void concatenate(BitSet heads, BitSet tails, int tailLength, BitSet into) {
        for (int head = heads.nextSetBit(0); head >= 0; head = heads.nextSetBit(head + 1)) {
            for (int tail = tails.nextSetBit(0); tail >= 0; tail = tails.nextSetBit(tail + 1)) {
                into.set(head << (8 * tailLength) | tail);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "\u0000", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFD",
            "\uFFFF", "\uD800\uDC00", "\uDBFF\uDFFF", "κόσμε", "Hello, wörld – ça va? 😀 ✓"})
    void acceptsValidText(String text) {
        Utf8Validator validator = new Utf8Validator();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            assertTrue(validator.accept(b), text);
        }
        assertTrue(validator.isComplete(), text);
    }

    @ParameterizedTest(name = "{0} rejected at byte {1}")
    @CsvSource({
            "f48fbfbf, -1", // U+10FFFF, the last code point
            "f4908080, 1",  // U+110000
            "eda080, 1",    // U+D800, a surrogate
            "edbfbf, 1",    // U+DFFF
            "c0af, 0",      // overlong '/'
            "c1bf, 0",
            "e080af, 1",    // overlong, three bytes
            "f08080af, 1",  // overlong, four bytes
            "f08fbfbf, 1",  // overlong U+FFFF
            "80, 0",        // lone continuation
            "bf, 0",
            "f5808080, 0",
            "fe, 0",
            "ff, 0",
            "c241, 1",      // continuation expected
            "e28228, 2",
            "f09f9841, 3",
            "61c3a9e282ac62, -1",
    })
    void rejectsAtFirstImpossibleByte(String hex, int rejectedAt) {
        assertEquals(rejectedAt, firstRejected(HexFormat.of().parseHex(hex)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"c2", "e2", "e282", "f0", "f09f", "f09f98", "61e282"})
    void truncatedSequenceIsValidSoFarButIncomplete(String hex) {
        Utf8Validator validator = new Utf8Validator();
        for (byte b : HexFormat.of().parseHex(hex)) {
            assertTrue(validator.accept(b));
        }
        assertFalse(validator.isComplete());
    }

    @Test
    void staysInvalidUntilReset() {
        Utf8Validator validator = new Utf8Validator();
        assertFalse(validator.accept((byte) 0x80));
        assertFalse(validator.accept((byte) 'a'));
        assertFalse(validator.isComplete());
        validator.reset();
        assertTrue(validator.accept((byte) 'a'));
        assertTrue(validator.isComplete());
    }

    @Test
    void resetForgetsUnfinishedSequence() {
        Utf8Validator validator = new Utf8Validator();
        assertTrue(validator.accept((byte) 0xE2));
        validator.reset();
        assertTrue(validator.isComplete());
        assertFalse(validator.accept((byte) 0x82), "a continuation byte must not finish the forgotten sequence");
    }

    /** Every string of 1 to 3 bytes: still accepted exactly when it can begin valid text, complete exactly when valid. */
    @Test
    void matchesJdkOnEveryStringUpToThreeBytes() {
        for (int length = 1; length <= 3; length++) {
            for (int value = 0; value < 1 << (8 * length); value++) {
                Utf8Validator validator = new Utf8Validator();
                boolean alive = true;
                for (int i = length - 1; i >= 0; i--) {
                    alive = validator.accept((byte) (value >>> (8 * i)));
                }
                if (alive != VALID_PREFIX[length - 1].get(value)
                        || validator.isComplete() != VALID_TEXT[length - 1].get(value)) {
                    throw new AssertionError("wrong verdict on " + Integer.toHexString(value) + ": alive=" + alive);
                }
            }
        }
    }

    /** Extends every valid, unfinished 3-byte prefix by every byte: exactly the JDK-decodable ones are accepted. */
    @Test
    void fourthByteAcceptedExactlyWhenItCompletesASupplementaryCodePoint() throws CharacterCodingException {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder();
        int completed = 0;
        for (int prefix = VALID_PREFIX[2].nextSetBit(0); prefix >= 0; prefix = VALID_PREFIX[2].nextSetBit(prefix + 1)) {
            if (prefix >>> 16 < 0xF0) {
                continue;
            }
            for (int last = 0; last < 256; last++) {
                byte[] bytes = {(byte) (prefix >>> 16), (byte) (prefix >>> 8), (byte) prefix, (byte) last};
                if (firstRejected(bytes) == -1) {
                    CharBuffer decoded = strict.decode(ByteBuffer.wrap(bytes));
                    assertEquals(1, decoded.toString().codePointCount(0, decoded.length()));
                    completed++;
                }
            }
        }
        assertEquals(Character.MAX_CODE_POINT + 1 - Character.MIN_SUPPLEMENTARY_CODE_POINT, completed);
    }

    /** Index of the first byte accept() refuses, or -1 when all are accepted and the text is complete. */
    private static int firstRejected(byte[] bytes) {
        Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            if (!validator.accept(bytes[i])) {
                return i;
            }
        }
        return validator.isComplete() ? -1 : bytes.length;
    }
}
