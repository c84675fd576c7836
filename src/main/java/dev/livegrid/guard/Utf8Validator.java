package dev.livegrid.guard;

import java.util.Arrays;

/** A streaming, allocation-free UTF-8 validator (RFC 3629) that rejects a sequence at its first impossible byte. */
public final class Utf8Validator {

    // Byte classes: bytes that always lead to the same transitions share a class.
    private static final int ASCII = 0;
    private static final int CONT_80_8F = 1;
    private static final int CONT_90_9F = 2;
    private static final int CONT_A0_BF = 3;
    private static final int NEVER = 4;        // C0, C1, F5..FF: could only start overlongs or code points > U+10FFFF
    private static final int LEAD2 = 5;        // C2..DF
    private static final int LEAD_E0 = 6;      // next byte A0..BF, or the sequence would be overlong
    private static final int LEAD3 = 7;        // E1..EC, EE, EF
    private static final int LEAD_ED = 8;      // next byte 80..9F, or it would encode a surrogate
    private static final int LEAD_F0 = 9;      // next byte 90..BF, or the sequence would be overlong
    private static final int LEAD4 = 10;       // F1..F3
    private static final int LEAD_F4 = 11;     // next byte 80..8F, or the code point would exceed U+10FFFF
    private static final int CLASSES = 12;

    // States: what the following bytes must be.
    private static final int ACCEPT = 0;
    private static final int REJECT = 1;
    private static final int NEED1 = 2;
    private static final int NEED2 = 3;
    private static final int NEED2_AFTER_E0 = 4;
    private static final int NEED2_AFTER_ED = 5;
    private static final int NEED3 = 6;
    private static final int NEED3_AFTER_F0 = 7;
    private static final int NEED3_AFTER_F4 = 8;
    private static final int STATES = 9;

    private static final byte[] CLASS_OF = byteClasses();
    /** Indexed by {@code state * CLASSES + class}; every unlisted transition goes to REJECT. */
    private static final byte[] NEXT = transitions();

    private int state = ACCEPT;

    /** Feeds the next byte; false once the bytes fed since the last reset can no longer be valid UTF-8. */
    public boolean accept(byte b) {
        state = NEXT[state * CLASSES + CLASS_OF[b & 0xFF]];
        return state != REJECT;
    }

    /** True when every byte fed so far was valid and no multi-byte sequence is left unfinished. */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Starts over, forgetting both an unfinished sequence and an earlier rejection. */
    public void reset() {
        state = ACCEPT;
    }

    private static byte[] byteClasses() {
        byte[] classes = new byte[256];
        fill(classes, 0x00, 0x7F, ASCII);
        fill(classes, 0x80, 0x8F, CONT_80_8F);
        fill(classes, 0x90, 0x9F, CONT_90_9F);
        fill(classes, 0xA0, 0xBF, CONT_A0_BF);
        fill(classes, 0xC0, 0xC1, NEVER);
        fill(classes, 0xC2, 0xDF, LEAD2);
        fill(classes, 0xE0, 0xE0, LEAD_E0);
        fill(classes, 0xE1, 0xEC, LEAD3);
        fill(classes, 0xED, 0xED, LEAD_ED);
        fill(classes, 0xEE, 0xEF, LEAD3);
        fill(classes, 0xF0, 0xF0, LEAD_F0);
        fill(classes, 0xF1, 0xF3, LEAD4);
        fill(classes, 0xF4, 0xF4, LEAD_F4);
        fill(classes, 0xF5, 0xFF, NEVER);
        return classes;
    }

    private static byte[] transitions() {
        byte[] next = new byte[STATES * CLASSES];
        Arrays.fill(next, (byte) REJECT);
        next[ACCEPT * CLASSES + ASCII] = ACCEPT;
        next[ACCEPT * CLASSES + LEAD2] = NEED1;
        next[ACCEPT * CLASSES + LEAD_E0] = NEED2_AFTER_E0;
        next[ACCEPT * CLASSES + LEAD3] = NEED2;
        next[ACCEPT * CLASSES + LEAD_ED] = NEED2_AFTER_ED;
        next[ACCEPT * CLASSES + LEAD_F0] = NEED3_AFTER_F0;
        next[ACCEPT * CLASSES + LEAD4] = NEED3;
        next[ACCEPT * CLASSES + LEAD_F4] = NEED3_AFTER_F4;
        continuations(next, NEED1, ACCEPT, CONT_80_8F, CONT_90_9F, CONT_A0_BF);
        continuations(next, NEED2, NEED1, CONT_80_8F, CONT_90_9F, CONT_A0_BF);
        continuations(next, NEED2_AFTER_E0, NEED1, CONT_A0_BF);
        continuations(next, NEED2_AFTER_ED, NEED1, CONT_80_8F, CONT_90_9F);
        continuations(next, NEED3, NEED2, CONT_80_8F, CONT_90_9F, CONT_A0_BF);
        continuations(next, NEED3_AFTER_F0, NEED2, CONT_90_9F, CONT_A0_BF);
        continuations(next, NEED3_AFTER_F4, NEED2, CONT_80_8F);
        return next;
    }

    private static void fill(byte[] classes, int from, int to, int byteClass) {
        Arrays.fill(classes, from, to + 1, (byte) byteClass);
    }

    private static void continuations(byte[] next, int state, int target, int... allowedClasses) {
        for (int byteClass : allowedClasses) {
            next[state * CLASSES + byteClass] = (byte) target;
        }
    }
}
