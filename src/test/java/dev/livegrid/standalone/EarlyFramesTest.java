package dev.livegrid.standalone;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes a client sends behind its opening handshake, before the server's answer (RFC 6455 §4.1 says
 * to wait for it), arrive in the same read as the request, before the frame guard inspects anything:
 * such a handshake is refused, so no frame escapes inspection and none can misalign it.
 */
class EarlyFramesTest {

    private static LiveGridServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anUnmaskedFrameInTheSamePacketAsTheUpgradeIsRefused() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            byte[] frame = ws.encode(RawWebSocket.FrameSpec.of(RawWebSocket.TEXT, RawWebSocket.utf8("early")).unmasked());
            assertRefused(ws, frame);
        }
    }

    @Test
    void halfAFrameInTheSamePacketAsTheUpgradeIsRefusedRatherThanMisaligningTheGuard() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            byte[] frame = ws.encode(RawWebSocket.FrameSpec.of(RawWebSocket.TEXT, RawWebSocket.utf8("split across packets")));
            assertRefused(ws, Arrays.copyOf(frame, 5));
        }
    }

    @Test
    void framesSentAfterThe101AreInspectedAsAlways() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
            ws.sendText("after the answer");
            assertEquals("after the answer", ws.readFrame().text());
            ws.send(RawWebSocket.FrameSpec.of(RawWebSocket.TEXT, RawWebSocket.utf8("unmasked")).unmasked());
            assertEquals(1002, ws.readClose().code());
        }
    }

    private static void assertRefused(RawWebSocket ws, byte[] early) throws Exception {
        byte[] request = ws.defaultRequest("/echo").getBytes(StandardCharsets.ISO_8859_1);
        ws.writeRaw(RawWebSocket.concat(request, early)); // one write: one packet on loopback
        RawWebSocket.HttpResponse response = ws.readResponse();
        assertEquals(400, response.status(), response.toString());
        assertTrue(response.hasToken("Connection", "close"), response.toString());
        assertEquals("Data was sent before the handshake's answer; send frames only after the 101 (RFC 6455 §4.1).",
                response.body().strip());
        ws.expectEofOrReset();
    }
}
