package dev.livegrid.endpoint;

import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.WsEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The misbehaviour {@code /echo} shows a client on request — replies of a chosen size, pings that must be
 * answered, a connection cut without a close frame, close frames the WebSocket API would never write,
 * pings left unanswered, reads held back — each seen from the client's side, over real sockets.
 */
@Timeout(60)
class EchoFaultsTest {

    private static LiveGridServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sizeMakesEveryReplyExactlyThatManyBytes() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?size=10", events);
        ws.sendText("héllo", true).join();
        assertEquals("héllo    ", events.nextText(), "6 bytes of UTF-8, padded with spaces to 10");
        ws.sendText("0123456789ABC", true).join();
        assertEquals("0123456789", events.nextText());
        ws.sendText("€€€€", true).join();
        assertEquals("€€€ ", events.nextText(), "cut before the code point that would not fit whole");
        ws.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).join();
        assertArrayEquals(new byte[]{1, 2, 3, 0, 0, 0, 0, 0, 0, 0}, events.nextBinary());

        WsEvents big = new WsEvents();
        connect("/echo?size=200000", big).sendText("x", true).join();
        String reply = big.nextText();
        assertEquals(200_000, reply.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(reply.startsWith("x "), reply.substring(0, 10));
    }

    @Test
    void pingClosesWith1001WhenAPingIsNotAnsweredBeforeTheNext() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/echo?ping=0.2")) {
            RawWebSocket.Frame ping = raw.readFrame();
            assertEquals(RawWebSocket.PING, ping.opcode());
            assertEquals("echo-ping-1", new String(ping.payload(), StandardCharsets.UTF_8));
            RawWebSocket.CloseFrame close = raw.readClose(); // not answered
            assertEquals(1001, close.code());
            assertEquals("no pong within 200 ms", close.reason());
        }
    }

    @Test
    void aClientThatAnswersThePingsStaysOpen() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?ping=0.05", events); // the JDK's client answers every ping itself
        for (int pings = 0; pings < 6; ) {
            WsEvents.Event event = events.next();
            assertEquals("ping", event.kind(), () -> "expected pings, got " + event);
            pings++;
        }
        ws.sendText("still here", true).join();
        assertEquals("still here", events.nextText());
    }

    @Test
    void dropAfterCutsTheConnectionAfterTheNthReplyWithoutACloseFrame() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/echo?dropAfter=2")) {
            raw.sendText("a");
            raw.sendText("b");
            raw.sendText("c");
            assertEquals("a", raw.readFrame().text());
            assertEquals("b", raw.readFrame().text());
            raw.expectEof();
        }
    }

    @Test
    void rawCodeWritesACloseFrameWithACodeNoServerMaySend() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/echo?closeAfter=1&rawCode=1005&reason=bye")) {
            raw.sendText("a");
            assertEquals("a", raw.readFrame().text());
            RawWebSocket.Frame close = raw.readFrame();
            assertEquals(RawWebSocket.CLOSE, close.opcode());
            assertArrayEquals(new byte[]{0x03, (byte) 0xED, 'b', 'y', 'e'}, close.payload());
            raw.expectEof();
        }
    }

    @Test
    void badReasonEndsTheCloseReasonInBytesThatAreNotUtf8() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port(), "/echo?closeAfter=1&code=4000&reason=x&badReason=true")) {
            raw.sendText("a");
            assertEquals("a", raw.readFrame().text());
            RawWebSocket.Frame close = raw.readFrame();
            assertEquals(RawWebSocket.CLOSE, close.opcode());
            assertArrayEquals(new byte[]{0x0F, (byte) 0xA0, 'x', (byte) 0xC3, 0x28}, close.payload());
            raw.expectEof();
        }
    }

    @Test
    void noPongLeavesTheClientsPingsUnanswered() throws Exception {
        for (boolean noPong : new boolean[]{false, true}) {
            try (RawWebSocket raw = RawWebSocket.open(server.port(), noPong ? "/echo?noPong=true" : "/echo")) {
                raw.sendFrame(true, RawWebSocket.PING, "p1".getBytes(StandardCharsets.UTF_8));
                raw.sendText("after");
                RawWebSocket.Frame first = raw.readFrame();
                if (noPong) {
                    assertEquals("after", first.text(), "the pong is dropped: the echo comes first");
                } else {
                    assertEquals(RawWebSocket.PONG, first.opcode(), "without noPong the ping is answered first");
                    assertEquals("after", raw.readFrame().text());
                }
            }
        }
    }

    @Test
    void stallStopsReadingSoThatTheClientsSendsWaitThenEverythingIsEchoed() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?stall=2000&stallAfter=1", events);
        ws.sendText("first", true).join();
        assertEquals("first", events.nextText());
        long stallStarted = System.nanoTime();

        // 24 MB: far more than TCP buffers between the two sockets hold while the server reads nothing.
        String chunk = "y".repeat(512 * 1024);
        int messages = 48;
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(ws);
        for (int i = 0; i < messages; i++) {
            sending = sending.thenCompose(w -> w.sendText(chunk, true)).whenComplete((w, e) -> sent.incrementAndGet());
        }
        long halfStall = stallStarted + TimeUnit.MILLISECONDS.toNanos(1000);
        while (System.nanoTime() < halfStall) {
            Thread.onSpinWait();
            assertTrue(sent.get() < messages, "all 24 MB were taken while the server was to read nothing");
        }
        assertTrue(sent.get() < messages, "the client's sends wait while the server does not read: " + sent.get());
        sending.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < messages; i++) {
            assertEquals(chunk.length(), events.nextText().length());
        }
        assertTrue(System.nanoTime() - stallStarted >= TimeUnit.MILLISECONDS.toNanos(2000),
                "the last echo came before the stall was over");
    }

    @Test
    void parametersThatNeedTheRawConnectionAreRefusedWhereThereIsNone() {
        for (String name : List.of("dropAfter", "stall", "noPong", "rawCode", "badReason")) {
            String value = name.equals("noPong") || name.equals("badReason") ? "true" : "1";
            Map<String, List<String>> parameters = Map.of("closeAfter", List.of("1"), name, List.of(value));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> EchoOptions.parse(parameters, 1 << 20, false));
            assertTrue(refused.getMessage().contains("'" + name + "' needs the standalone server"), refused.getMessage());
        }
        EchoOptions.parse(Map.of("size", List.of("5"), "ping", List.of("1")), 1 << 20, false);
    }

    private static WebSocket connect(String path, WsEvents events) {
        return HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri(path), events).join();
    }
}
