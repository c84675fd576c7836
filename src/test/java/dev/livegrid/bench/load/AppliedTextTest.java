package dev.livegrid.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The load generator reads its stamp back from LiveGrid's applied text and from a hub's relay. */
class AppliedTextTest {

    private static boolean read(String text, long[] out) {
        byte[] padded = ("xx" + text + "yy").getBytes(StandardCharsets.UTF_8);
        return AppliedText.read(padded, 2, padded.length - 4, out);
    }

    @Test
    void readsTheStampFromAnAppliedEdit() {
        long[] out = new long[2];
        String applied = "{\"type\":\"applied\",\"version\":70,\"by\":\"u-3f2a9c01\",\"id\":\"e5\",\"op\":{\"type\":\"edit\","
                + "\"row\":\"r7\",\"col\":\"c1\",\"value\":\"" + AppliedText.stamp(5, 123456789012345L) + "\"}}";
        assertTrue(read(applied, out));
        assertArrayEquals(new long[] {5, 123456789012345L}, out);
    }

    @Test
    void readsTheStampFromARelayedEditAndANegativeClock() {
        long[] out = new long[2];
        assertTrue(read("{\"type\":\"edit\",\"id\":\"e9\",\"row\":\"r2\",\"col\":\"c1\",\"value\":\"9_-42\"}", out));
        assertArrayEquals(new long[] {9, -42}, out);
    }

    @Test
    void ignoresEverythingElse() {
        long[] out = new long[2];
        assertFalse(read("{\"type\":\"welcome\",\"rows\":[{\"id\":\"r2\",\"cells\":{\"c1\":{\"value\":\"1_2\",\"version\":3}}}]}", out));
        assertFalse(read("{\"type\":\"applied\",\"version\":2,\"id\":\"setup-r0\",\"op\":{\"type\":\"insertRow\",\"row\":\"r2\"}}", out));
        assertFalse(read("{\"type\":\"applied\",\"op\":{\"type\":\"edit\",\"value\":\"12\"}}", out));
        assertFalse(read("{\"type\":\"applied\",\"op\":{\"type\":\"edit\",\"value\":\"12_", out));
        assertFalse(read("{\"type\":\"presence\",\"joined\":[]}", out));
    }
}
