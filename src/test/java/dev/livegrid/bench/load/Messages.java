package dev.livegrid.bench.load;

import java.nio.charset.StandardCharsets;

/** Recognises the few server messages the generator needs to tell apart, by their first bytes only. */
final class Messages {

    private static final byte[] WELCOME = "{\"type\":\"welcome\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APPLIED = "{\"type\":\"applied\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REJECTED = "{\"type\":\"rejected\"".getBytes(StandardCharsets.US_ASCII);

    private Messages() {
    }

    /** LiveGrid's first message to a joiner: the sign it was let in (presence's shape is not read). */
    static boolean isWelcome(byte[] data, int offset, int length) {
        return AppliedText.startsWith(data, offset, length, WELCOME);
    }

    static boolean isApplied(byte[] data, int offset, int length) {
        return AppliedText.startsWith(data, offset, length, APPLIED);
    }

    static boolean isRejected(byte[] data, int offset, int length) {
        return AppliedText.startsWith(data, offset, length, REJECTED);
    }
}
