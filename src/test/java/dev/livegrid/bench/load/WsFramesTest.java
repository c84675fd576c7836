package dev.livegrid.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The load generator's framing: what it writes is a masked RFC 6455 frame, what it reads is sized right. */
class WsFramesTest {

    @Test
    void acceptKeyIsTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WsFrames.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void framesAreMaskedAndCarryTheirLengthInTheShortestForm() {
        for (int length : new int[] {0, 125, 126, 65535, 65536}) {
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) i;
            }
            ByteBuffer frame = WsFrames.frame(WsFrames.TEXT, payload, 0x12345678);
            WsFrames.Header header = WsFrames.header(frame);
            assertTrue(header.fin());
            assertEquals(WsFrames.TEXT, header.opcode());
            assertTrue(header.masked());
            assertEquals(length, header.payloadLength());
            assertEquals(length < 126 ? 6 : length <= 65535 ? 8 : 14, header.size());
            byte[] mask = {0x12, 0x34, 0x56, 0x78};
            byte[] unmasked = new byte[length];
            for (int i = 0; i < length; i++) {
                unmasked[i] = (byte) (frame.get(header.size() + i) ^ mask[i & 3]);
            }
            assertArrayEquals(payload, unmasked);
        }
    }

    @Test
    void aHeaderNotYetWhollyArrivedIsNoHeader() {
        assertNull(WsFrames.header(ByteBuffer.wrap(new byte[] {(byte) 0x81})));
        assertNull(WsFrames.header(ByteBuffer.wrap(new byte[] {(byte) 0x81, 126, 1})));
        assertNull(WsFrames.header(ByteBuffer.wrap(new byte[] {(byte) 0x81, 127, 0, 0, 0, 0, 0, 1})));
        WsFrames.Header server = WsFrames.header(ByteBuffer.wrap(new byte[] {(byte) 0x89, 3, 'a', 'b', 'c'}));
        assertEquals(WsFrames.PING, server.opcode());
        assertEquals(2, server.size());
        assertEquals(3, server.payloadLength());
    }
}
