package dev.livegrid.endpoint;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoints' own size check counts UTF-8 bytes exactly as the encoder would, at every boundary. */
class MessageSizeLimitTest {

    @Test
    void textIsMeasuredInUtf8BytesAtTheBoundary() {
        String[] samples = {"", "a", "é", "世", "😀", "a😀é世", "x".repeat(125)};
        for (String sample : samples) {
            int bytes = sample.getBytes(StandardCharsets.UTF_8).length;
            assertFalse(new MessageSizeLimit(bytes).exceeds(sample), sample + " fits in " + bytes);
            if (bytes > 0) {
                assertTrue(new MessageSizeLimit(bytes - 1).exceeds(sample), sample + " does not fit in " + (bytes - 1));
            }
        }
    }

    @Test
    void randomTextAgreesWithTheEncoder() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> text.append((char) random.nextInt(0x80));
                    case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> text.append((char) (0x800 + random.nextInt(0xD000 - 0x800)));
                    default -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                }
            }
            String s = text.toString();
            int bytes = s.getBytes(StandardCharsets.UTF_8).length;
            assertFalse(new MessageSizeLimit(bytes).exceeds(s), s);
            assertEquals(bytes > 0, new MessageSizeLimit(Math.max(0, bytes - 1)).exceeds(s), s);
        }
    }

    @Test
    void binaryIsMeasuredByWhatRemains() {
        ByteBuffer buffer = ByteBuffer.allocate(100);
        buffer.position(40);
        assertFalse(new MessageSizeLimit(60).exceeds(buffer));
        assertTrue(new MessageSizeLimit(59).exceeds(buffer));
    }
}
