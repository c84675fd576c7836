package dev.livegrid.conformance;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import static dev.livegrid.support.RawWebSocket.BINARY;
import static dev.livegrid.support.RawWebSocket.CONTINUATION;
import static dev.livegrid.support.RawWebSocket.PING;
import static dev.livegrid.support.RawWebSocket.PONG;
import static dev.livegrid.support.RawWebSocket.TEXT;
import static dev.livegrid.support.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import dev.livegrid.config.Settings;
import dev.livegrid.support.RawWebSocket.Frame;
import dev.livegrid.support.RawWebSocket.FrameSpec;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Valid client frames of every length form, fragmentation and control frames, checked against the bytes /echo sends back. */
class FramingConformanceTest {

    private static final int MIB = 1 << 20;

    private static LiveGridServer server;
    private static int port;

    private final Random random = new Random(1455);

    @BeforeAll
    static void startServer() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- whole messages of every length form ----

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, MIB})
    void textIsEchoedInTheMinimalLengthForm(int length) throws IOException {
        byte[] text = utf8(textOfUtf8Length(length));
        assertEquals(length, text.length);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(true, TEXT, text);
            assertWholeMessage(ws.readFrame(), TEXT, text);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, MIB})
    void binaryIsEchoedInTheMinimalLengthForm(int length) throws IOException {
        byte[] data = randomBytes(length);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(true, BINARY, data);
            assertWholeMessage(ws.readFrame(), BINARY, data);
        }
    }

    @Test
    void messagesOnOneConnectionAreEchoedInOrderWithTheirTypes() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            byte[] data = randomBytes(300);
            ws.sendText("first");
            ws.sendBinary(data);
            ws.sendText("third €");
            assertWholeMessage(ws.readFrame(), TEXT, utf8("first"));
            assertWholeMessage(ws.readFrame(), BINARY, data);
            assertWholeMessage(ws.readFrame(), TEXT, utf8("third €"));
        }
    }

    /** Every byte of the mask key applies to its own payload positions (i mod 4); a key with different halves shows a mix-up. */
    @ParameterizedTest(name = "mask key {0}")
    @ValueSource(strings = {"00000000", "0000ffff", "ffff0000", "12345678", "80808080", "01020304"})
    void textIsUnmaskedWithAllFourBytesOfTheMaskKey(String keyHex) throws IOException {
        byte[] key = HexFormat.of().parseHex(keyHex);
        byte[] text = utf8("mask me: aé€𝄞 and some more ASCII to cover every key position");
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.send(FrameSpec.of(TEXT, text).maskKey(key));
            assertWholeMessage(ws.readFrame(), TEXT, text);
        }
    }

    @Test
    void frameWrittenInManySmallPiecesIsReassembled() throws IOException {
        byte[] text = utf8("split across writes: ü€𝄞 " + "x".repeat(200));
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            byte[] frame = ws.encode(FrameSpec.of(TEXT, text).maskKey(new byte[] {0x11, 0x22, 0x33, 0x44}));
            // Cut inside the first header byte pair, the extended length, the mask key, and a UTF-8 sequence.
            int[] cuts = {1, 3, 5, 7, 30, frame.length};
            int from = 0;
            for (int cut : cuts) {
                ws.writeRaw(Arrays.copyOfRange(frame, from, cut));
                from = cut;
            }
            assertWholeMessage(ws.readFrame(), TEXT, text);
        }
    }

    // ---- fragmentation ----

    @Test
    void textInThreeFragmentsWithSplitCharactersComesBackAsOneMessage() throws IOException {
        byte[] text = utf8("Grüße 🌍!");
        int inUmlaut = indexOf(text, (byte) 0xC3) + 1;   // between the two bytes of ü
        int inGlobe = indexOf(text, (byte) 0xF0) + 2;    // inside the four bytes of 🌍
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, TEXT, Arrays.copyOfRange(text, 0, inUmlaut));
            ws.sendFrame(false, CONTINUATION, Arrays.copyOfRange(text, inUmlaut, inGlobe));
            ws.sendFrame(true, CONTINUATION, Arrays.copyOfRange(text, inGlobe, text.length));
            assertWholeMessage(ws.readFrame(), TEXT, text);
        }
    }

    @Test
    void binaryInThreeFragmentsComesBackAsOneMessage() throws IOException {
        byte[] data = randomBytes(1000);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, BINARY, Arrays.copyOfRange(data, 0, 1));
            ws.sendFrame(false, CONTINUATION, Arrays.copyOfRange(data, 1, 700));
            ws.sendFrame(true, CONTINUATION, Arrays.copyOfRange(data, 700, 1000));
            assertWholeMessage(ws.readFrame(), BINARY, data);
        }
    }

    @Test
    void emptyFragmentsAreAllowed() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, TEXT, new byte[0]);
            ws.sendFrame(false, CONTINUATION, utf8("only this"));
            ws.sendFrame(true, CONTINUATION, new byte[0]);
            assertWholeMessage(ws.readFrame(), TEXT, utf8("only this"));
        }
    }

    @Test
    void pingsBetweenFragmentsAreAnsweredAndTheMessageStillComesBackWhole() throws IOException {
        byte[] text = utf8("one-two-three ✓");
        byte[] firstPing = utf8("between 1 and 2");
        byte[] secondPing = {0, (byte) 0xFF, (byte) 0x80, 7};
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, TEXT, Arrays.copyOfRange(text, 0, 4));
            ws.sendFrame(true, PING, firstPing);
            ws.sendFrame(false, CONTINUATION, Arrays.copyOfRange(text, 4, 8));
            ws.sendFrame(true, PING, secondPing);
            ws.sendFrame(true, CONTINUATION, Arrays.copyOfRange(text, 8, text.length));

            assertControl(ws.readFrame(), PONG, firstPing);
            assertControl(ws.readFrame(), PONG, secondPing);
            assertWholeMessage(ws.readFrame(), TEXT, text);
        }
    }

    @Test
    void pingsBetweenBinaryFragmentsAreAnsweredAndTheMessageStillComesBackWhole() throws IOException {
        byte[] data = randomBytes(200);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, BINARY, Arrays.copyOfRange(data, 0, 50));
            ws.sendFrame(true, PING, utf8("p"));
            ws.sendFrame(true, CONTINUATION, Arrays.copyOfRange(data, 50, 200));
            assertControl(ws.readFrame(), PONG, utf8("p"));
            assertWholeMessage(ws.readFrame(), BINARY, data);
        }
    }

    // ---- control frames ----

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 16, 125})
    void pingIsAnsweredWithPongCarryingTheSamePayload(int length) throws IOException {
        byte[] payload = randomBytes(length);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(true, PING, payload);
            assertControl(ws.readFrame(), PONG, payload);
        }
    }

    @Test
    void unsolicitedPongIsIgnoredAndTheConnectionStaysUsable() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(true, PONG, utf8("nobody asked"));
            ws.sendFrame(true, PONG, new byte[0]);
            ws.sendText("still here");
            assertWholeMessage(ws.readFrame(), TEXT, utf8("still here"));
            ws.sendFrame(true, PING, utf8("and alive"));
            assertControl(ws.readFrame(), PONG, utf8("and alive"));
        }
    }

    // ---- helpers ----

    /** One unfragmented frame of the type, RSV clear, its length in the shortest form, and exactly the payload. */
    private static void assertWholeMessage(Frame frame, int opcode, byte[] expected) {
        assertEquals(opcode, frame.opcode(), () -> "opcode of " + frame);
        assertTrue(frame.fin(), () -> "the echo should be one unfragmented frame: " + frame);
        assertEquals(0, frame.rsv(), () -> "RSV bits of " + frame);
        assertEquals(minimalLengthForm(expected.length), frame.lengthForm(),
                () -> "length form for " + expected.length + " bytes (RFC 6455 §5.2: minimal encoding)");
        assertEquals(expected.length, frame.payload().length, "payload length");
        assertArrayEquals(expected, frame.payload(), "payload");
    }

    private static void assertControl(Frame frame, int opcode, byte[] payload) {
        assertEquals(opcode, frame.opcode(), () -> "expected opcode 0x" + Integer.toHexString(opcode) + ", got " + frame);
        assertTrue(frame.fin(), "control frames are never fragmented");
        assertEquals(0, frame.rsv());
        assertEquals(7, frame.lengthForm());
        assertArrayEquals(payload, frame.payload(), "control frame payload");
    }

    private static int minimalLengthForm(int length) {
        return length <= 125 ? 7 : length <= 0xFFFF ? 16 : 64;
    }

    /** Text of exactly {@code length} UTF-8 bytes mixing 1- to 4-byte characters. */
    private static String textOfUtf8Length(int length) {
        String[] pieces = {"a", "é", "€", "𝄞", "Z", "ß", "語"};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; bytes.size() < length; i++) {
            String piece = pieces[i % pieces.length];
            byte[] encoded = utf8(piece);
            if (bytes.size() + encoded.length > length) {
                piece = "a";
                encoded = utf8(piece);
            }
            bytes.writeBytes(encoded);
            text.append(piece);
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("byte not found");
    }
}
