package dev.livegrid.conformance;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import static dev.livegrid.support.RawWebSocket.BINARY;
import static dev.livegrid.support.RawWebSocket.CLOSE;
import static dev.livegrid.support.RawWebSocket.CONTINUATION;
import static dev.livegrid.support.RawWebSocket.PING;
import static dev.livegrid.support.RawWebSocket.PONG;
import static dev.livegrid.support.RawWebSocket.TEXT;
import static dev.livegrid.support.RawWebSocket.concat;
import static dev.livegrid.support.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.support.RawWebSocket.CloseFrame;
import dev.livegrid.support.RawWebSocket.Frame;
import dev.livegrid.support.RawWebSocket.FrameSpec;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol violations (RFC 6455 §5, §7.4, §8.1), each on a fresh connection: the server's close code, then EOF. */
class ViolationConformanceTest {

    private static final int MAX = 65536;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int INVALID_PAYLOAD = 1007;
    private static final int MESSAGE_TOO_BIG = 1009;
    /** How soon a violation visible in a frame header must be answered, although its payload never comes. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    private static LiveGridServer server;
    private static int port;

    @BeforeAll
    static void startServer() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback().withMaxMessageSize(MAX));
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- framing errors: 1002 ----

    @Test
    void unmaskedClientFrameClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(TEXT, utf8("hello")).unmasked());
    }

    @Test
    void unmaskedClientPingClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(PING, utf8("hello")).unmasked());
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(strings = {"3", "4", "5", "6", "7", "b", "c", "d", "e", "f"})
    void reservedOpcodeClosesWith1002(String opcodeHex) throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(Integer.parseInt(opcodeHex, 16), utf8("x")));
    }

    @ParameterizedTest(name = "RSV bits {0}")
    @ValueSource(ints = {4, 2, 1, 7})
    void reservedBitWithoutExtensionClosesWith1002(int rsvBits) throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(TEXT, utf8("hello")).rsv(rsvBits));
    }

    @Test
    void reservedBitOnAControlFrameClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(PING, utf8("hello")).rsv(4));
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {PING, PONG, CLOSE})
    void controlFrameLongerThan125BytesClosesWith1002(int opcode) throws IOException {
        byte[] payload = new byte[126];
        if (opcode == CLOSE) {
            payload = RawWebSocket.closePayload(1000, utf8("r".repeat(124)));
        }
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(opcode, payload));
    }

    @Test
    void fragmentedPingClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(PING, utf8("half")).fin(false));
    }

    @Test
    void continuationWithoutAStartClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(CONTINUATION, utf8("orphan")));
    }

    @Test
    void unfinishedContinuationWithoutAStartClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(CONTINUATION, utf8("orphan")).fin(false));
    }

    @Test
    void continuationAfterACompleteMessageClosesWith1002() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendText("complete");
            assertEquals("complete", ws.readFrame().text());
            ws.sendFrame(true, CONTINUATION, utf8("too late"));
            assertClosedWith(ws, PROTOCOL_ERROR);
        }
    }

    @ParameterizedTest(name = "new opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void newDataFrameWhileAFragmentedMessageIsOpenClosesWith1002(int opcode) throws IOException {
        assertFailsWith(PROTOCOL_ERROR,
                FrameSpec.of(TEXT, utf8("first part")).fin(false),
                FrameSpec.of(opcode, utf8("intruder")));
    }

    // ---- size: 1009 ----

    @Test
    void singleFrameOfExactlyMaxSizeIsAccepted() throws IOException {
        byte[] data = new byte[MAX];
        Arrays.fill(data, (byte) 0x5A);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendBinary(data);
            Frame echo = ws.readFrame();
            assertEquals(BINARY, echo.opcode());
            assertArrayEquals(data, echo.payload());
        }
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void singleFrameAboveMaxClosesWith1009(int opcode) throws IOException {
        byte[] payload = new byte[MAX + 1];
        Arrays.fill(payload, (byte) 'a');
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.writeRawTolerantly(ws.encode(FrameSpec.of(opcode, payload)));
            assertEquals(MESSAGE_TOO_BIG, ws.readClose().code());
            // Payload bytes the server never read may turn its close into a reset.
            ws.expectEofOrReset();
        }
    }

    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(longs = {MAX + 1, 1L << 32, Long.MAX_VALUE})
    void headerDeclaringMoreThanMaxClosesWith1009BeforeAnyPayload(long declared) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            long start = System.nanoTime();
            ws.send(FrameSpec.of(BINARY, new byte[0]).declaredLength(declared));
            assertEquals(MESSAGE_TOO_BIG, ws.readClose().code());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(PROMPTLY) < 0, () -> "1009 came only after " + elapsed);
            ws.expectEof();
        }
    }

    @Test
    void fragmentsThatTogetherExceedMaxCloseWith1009() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, BINARY, new byte[40_000]);
            ws.writeRawTolerantly(ws.encode(FrameSpec.of(CONTINUATION, new byte[MAX - 40_000 + 1])));
            assertEquals(MESSAGE_TOO_BIG, ws.readClose().code());
            ws.expectEofOrReset();
        }
    }

    @Test
    void manySmallTextFragmentsAboveMaxCloseWith1009() throws IOException {
        byte[] chunk = utf8("x".repeat(10_000));
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, TEXT, chunk);
            for (int sent = chunk.length; sent + chunk.length <= MAX; sent += chunk.length) {
                ws.sendFrame(false, CONTINUATION, chunk);
            }
            ws.writeRawTolerantly(ws.encode(FrameSpec.of(CONTINUATION, chunk)));
            assertEquals(MESSAGE_TOO_BIG, ws.readClose().code());
            ws.expectEofOrReset();
        }
    }

    @Test
    void fragmentsOfExactlyMaxInTotalAreAccepted() throws IOException {
        byte[] data = new byte[MAX];
        Arrays.fill(data, (byte) 7);
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(false, BINARY, Arrays.copyOfRange(data, 0, 30_000));
            ws.sendFrame(true, CONTINUATION, Arrays.copyOfRange(data, 30_000, MAX));
            Frame echo = ws.readFrame();
            assertEquals(BINARY, echo.opcode());
            assertArrayEquals(data, echo.payload());
        }
    }

    // ---- UTF-8: 1007 ----

    @ParameterizedTest(name = "bytes {0}")
    @ValueSource(strings = {
            "ff",               // never valid
            "80",               // lone continuation byte
            "c0af",             // overlong '/'
            "e080af",           // overlong, 3 bytes
            "eda080",           // UTF-16 surrogate U+D800
            "edbfbf",           // UTF-16 surrogate U+DFFF
            "f4908080",         // above U+10FFFF
            "e282",             // message ends inside a sequence
            "c328"              // lead byte followed by ASCII
    })
    void invalidUtf8InATextFrameClosesWith1007(String hex) throws IOException {
        byte[] text = concat(utf8("valid prefix "), HexFormat.of().parseHex(hex));
        assertFailsWith(INVALID_PAYLOAD, FrameSpec.of(TEXT, text));
    }

    @Test
    void invalidUtf8SplitAcrossFragmentsClosesWith1007() throws IOException {
        // E2 82 starts a 3-byte sequence; 28 ('(') cannot continue it.
        assertFailsWith(INVALID_PAYLOAD,
                FrameSpec.of(TEXT, concat(utf8("abc"), new byte[] {(byte) 0xE2, (byte) 0x82})).fin(false),
                FrameSpec.of(CONTINUATION, new byte[] {0x28, 'd'}));
    }

    @Test
    void textMessageEndingInsideASequenceAfterFragmentsClosesWith1007() throws IOException {
        assertFailsWith(INVALID_PAYLOAD,
                FrameSpec.of(TEXT, utf8("abc")).fin(false),
                FrameSpec.of(CONTINUATION, new byte[] {(byte) 0xF0, (byte) 0x9F}).fin(false),
                FrameSpec.of(CONTINUATION, new byte[0]));
    }

    @Test
    void invalidUtf8IsDetectedWhateverTheMaskKey() throws IOException {
        // The invalid byte sits at payload index 2, which the mask key's third byte covers.
        assertFailsWith(INVALID_PAYLOAD, FrameSpec.of(TEXT, new byte[] {'o', 'k', (byte) 0xFF, 'k'})
                .maskKey(new byte[] {0x00, 0x00, 0x7F, 0x7F}));
    }

    // ---- close frames ----

    @Test
    void closeWithOneBytePayloadClosesWith1002() throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(CLOSE, new byte[] {0x03}));
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    void closeWithACodeNotAllowedOnTheWireClosesWith1002(int code) throws IOException {
        assertFailsWith(PROTOCOL_ERROR, FrameSpec.of(CLOSE, RawWebSocket.closePayload(code, utf8("bad code"))));
    }

    @Test
    void closeWithInvalidUtf8ReasonClosesWith1007() throws IOException {
        assertFailsWith(INVALID_PAYLOAD,
                FrameSpec.of(CLOSE, RawWebSocket.closePayload(1000, new byte[] {'b', 'y', (byte) 0xC3, 0x28})));
    }

    @Test
    void closeWithReasonEndingInsideASequenceClosesWith1007() throws IOException {
        assertFailsWith(INVALID_PAYLOAD,
                FrameSpec.of(CLOSE, RawWebSocket.closePayload(1000, new byte[] {'b', 'y', (byte) 0xE2, (byte) 0x82})));
    }

    @Test
    void normalCloseIsAnsweredWithClose1000ThenEof() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendClose(1000, utf8("bye ✓"));
            CloseFrame reply = ws.readClose();
            assertEquals(1000, reply.code(), () -> "close reply " + reply);
            ws.expectEof();
        }
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1001, 3000, 4999})
    void closeWithAValidCodeIsAnsweredWithACloseThenEof(int code) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendClose(code, utf8("fine"));
            CloseFrame reply = ws.readClose();
            assertTrue(reply.code() == code || reply.code() == 1000, () -> "close reply " + reply + " to " + code);
            ws.expectEof();
        }
    }

    @Test
    void emptyCloseIsAnsweredWithACloseThenEof() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendFrame(true, CLOSE, new byte[0]);
            CloseFrame reply = ws.readClose();
            assertTrue(reply.code() == -1 || reply.code() == 1000, () -> "close reply " + reply);
            ws.expectEof();
        }
    }

    @Test
    void connectionStaysUsableUntilTheViolation() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            ws.sendText("fine");
            assertEquals("fine", ws.readFrame().text());
            ws.send(FrameSpec.of(TEXT, utf8("not fine")).rsv(4));
            assertClosedWith(ws, PROTOCOL_ERROR);
        }
    }

    /**
     * Found by SheetSocketFuzzTest: the frame guard fails a connection behind Tyrus's back, so Tyrus
     * went on sending (here: the sheet's updates) until the socket was closed, and a close frame that
     * waited behind queued data was followed on the wire by the updates queued after it — and by a
     * second close frame when more bytes were read meanwhile. RFC 6455 §5.5.1: nothing may follow a
     * close frame. This viewer reads nothing until the end, so the close frame waits behind megabytes
     * of updates; a frame sent after the violation, and edits made after it, come last.
     */
    @Test
    void nothingFollowsTheCloseFrameOfAConnectionFailedWhileUpdatesWait() throws Exception {
        // The viewer is pinged by nobody (it would not answer), and its outbox and the sheet take 6 MB.
        Settings roomy = TestSettings.loopback().withHeartbeat(Duration.ofHours(1), Duration.ofHours(1))
                .with(java.util.Map.of(Setting.MAX_VALUE_LENGTH, "100000", Setting.OUTBOX_LIMIT, "64MiB",
                        Setting.MAX_SHEET_SIZE, "64MiB"));
        try (LiveGridServer sheets = LiveGridServer.start(roomy);
             SheetClient writer = SheetClient.join(sheets.webSocketUri("/sheets/queued"));
             RawWebSocket viewer = RawWebSocket.openWithReceiveBuffer(sheets.port(), "/sheets/queued", 8192)) {
            writer.sendOp(SheetOps.addColumn("c", "c", null));
            writer.awaitAllAnswered(SheetClient.TIMEOUT);
            java.util.Map<String, String> cells = java.util.Map.of(writer.table().columnIds().get(0), "v".repeat(90_000));
            for (int i = 0; i < 60; i++) { // 5.4 MB of updates for a viewer that reads nothing
                writer.sendOp(SheetOps.insertRow("r" + i, null, cells));
            }
            writer.awaitAllAnswered(SheetClient.TIMEOUT);
            viewer.send(FrameSpec.of(TEXT, utf8("unmasked")).unmasked());
            for (int i = 0; i < 20; i++) {
                if (i == 10) { // by now the violation has been read: this frame comes in a read of its own
                    viewer.writeRawTolerantly(viewer.encode(FrameSpec.of(TEXT, utf8("sent after the violation"))));
                }
                writer.sendOp(SheetOps.insertRow("late" + i, null, java.util.Map.of()));
                writer.awaitAllAnswered(SheetClient.TIMEOUT);
            }

            int before = 0;
            Frame frame;
            while ((frame = viewer.readFrame()).opcode() != CLOSE) {
                before++;
            }
            assertEquals(PROTOCOL_ERROR, (frame.payload()[0] & 0xFF) << 8 | (frame.payload()[1] & 0xFF));
            java.util.List<String> after = new java.util.ArrayList<>();
            try {
                while (true) {
                    after.add(viewer.readFrame().toString());
                }
            } catch (java.io.EOFException | java.net.SocketException e) {
                // the end of the connection
            }
            assertEquals(java.util.List.of(), after, "frames after the close frame (" + before + " before it)");
        }
    }

    // ---- helpers ----

    /** On a fresh /echo connection: sends the frames, then expects a close with the code and EOF. */
    private static void assertFailsWith(int code, FrameSpec... frames) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            for (FrameSpec frame : frames) {
                ws.send(frame);
            }
            assertClosedWith(ws, code);
        }
    }

    private static void assertClosedWith(RawWebSocket ws, int code) throws IOException {
        CloseFrame close = ws.readClose();
        assertEquals(code, close.code(), () -> "close code (reason '" + close.reason() + "')");
        ws.expectEof();
    }
}
