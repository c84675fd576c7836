package dev.livegrid.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * The fan-out edit's stamp, {@code "value":"SEQ_NANOS"}: written by the generator into every edit
 * and read back from each delivery without parsing the JSON, from LiveGrid's {@code applied}
 * (which repeats the op) as from a peer's relay of the edit itself.
 */
final class AppliedText {

    private static final byte[] VALUE = "\"value\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APPLIED = "{\"type\":\"applied\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EDIT = "{\"type\":\"edit\"".getBytes(StandardCharsets.US_ASCII);

    private AppliedText() {
    }

    /** The value an edit carries: its sequence number and the generator's send time. */
    static String stamp(long seq, long sendNanos) {
        return seq + "_" + sendNanos;
    }

    /**
     * Fills {@code seqAndNanos} from the message and returns true, or returns false when the
     * message is not a stamped edit (a welcome, presence, a rejection, an ack of a setup op).
     */
    static boolean read(byte[] data, int offset, int length, long[] seqAndNanos) {
        if (!startsWith(data, offset, length, APPLIED) && !startsWith(data, offset, length, EDIT)) {
            return false;
        }
        int at = indexOf(data, offset, offset + length, VALUE);
        if (at < 0) {
            return false;
        }
        int end = offset + length;
        int i = at + VALUE.length;
        long seq = 0;
        int digits = 0;
        while (i < end && data[i] >= '0' && data[i] <= '9') {
            seq = seq * 10 + (data[i++] - '0');
            digits++;
        }
        if (digits == 0 || i >= end || data[i++] != '_') {
            return false;
        }
        long nanos = 0;
        boolean negative = i < end && data[i] == '-';
        if (negative) {
            i++;
        }
        digits = 0;
        while (i < end && data[i] >= '0' && data[i] <= '9') {
            nanos = nanos * 10 + (data[i++] - '0');
            digits++;
        }
        if (digits == 0 || i >= end || data[i] != '"') {
            return false;
        }
        seqAndNanos[0] = seq;
        seqAndNanos[1] = negative ? -nanos : nanos;
        return true;
    }

    static boolean startsWith(byte[] data, int offset, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] data, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
