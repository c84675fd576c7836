package dev.livegrid.endpoint;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.WsEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /echo} over real sockets with the JDK's WebSocket client. */
class EchoEndpointTest {

    private static LiveGridServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback()
                .withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void textComesBackUnchanged() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo", events);
        ws.sendText("Hello world! 你好 ✓", true).join();
        assertEquals("Hello world! 你好 ✓", events.nextText());
    }

    @Test
    void binaryComesBackAsBinary() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo", events);
        byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
        assertArrayEquals(data, events.nextBinary());
    }

    @Test
    void messagesComeBackInOrderWithTheirTypes() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo", events);
        for (int i = 0; i < 200; i++) {
            if (i % 2 == 0) {
                ws.sendText("m" + i, true).join();
            } else {
                ws.sendBinary(ByteBuffer.wrap(new byte[]{(byte) i}), true).join();
            }
        }
        for (int i = 0; i < 200; i++) {
            if (i % 2 == 0) {
                assertEquals("m" + i, events.nextText());
            } else {
                assertArrayEquals(new byte[]{(byte) i}, events.nextBinary());
            }
        }
    }

    @Test
    void fragmentedMessageComesBackWhole() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo", events);
        ws.sendText("one ", false).join();
        ws.sendText("two ", false).join();
        ws.sendText("three", true).join();
        WsEvents.Event reply = events.nextIgnoringPings();
        assertEquals("one two three", reply.data());
        assertTrue(reply.last(), "the reply is one whole message");
    }

    @Test
    void heartbeatParameterSendsTextHeartbeats() throws Exception {
        WsEvents events = new WsEvents();
        connect("/echo?heartbeat=0.1", events);
        String first = events.nextText();
        String second = events.nextText();
        assertTrue(first.contains("\"type\":\"heartbeat\"") && first.contains("\"seq\":1"), first);
        assertTrue(second.contains("\"seq\":2"), second);
    }

    @Test
    void delayParameterHoldsEachReplyBack() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?delay=300", events);
        long sent = System.nanoTime();
        ws.sendText("a", true).join();
        ws.sendText("b", true).join();
        assertEquals("a", events.nextText());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent) >= 300, "reply came before the delay");
        assertEquals("b", events.nextText());
    }

    @Test
    void closeAfterParameterClosesWithTheGivenCodeAndReason() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?closeAfter=2&code=4001&reason=done%20now", events);
        ws.sendText("1", true).join();
        ws.sendText("2", true).join();
        assertEquals("1", events.nextText());
        assertEquals("2", events.nextText());
        WsEvents.Event close = events.nextIgnoringPings();
        assertEquals("close", close.kind());
        assertEquals("4001 done now", close.data());
    }

    @Test
    void fragmentParameterSplitsRepliesIntoFramesOfThatSize() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?fragment=4", events);
        ws.sendText("abcdefghij", true).join();
        List<String> parts = new ArrayList<>();
        WsEvents.Event event;
        do {
            event = events.nextIgnoringPings();
            parts.add((String) event.data());
        } while (!event.last());
        assertEquals("abcdefghij", String.join("", parts));
        assertTrue(parts.size() >= 3, "expected at least 3 fragments, got " + parts);
        assertTrue(parts.stream().allMatch(p -> p.length() <= 4), "a fragment is larger than 4 bytes: " + parts);
    }

    @Test
    void fragmentParameterSplitsBinaryReplies() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo?fragment=3", events);
        byte[] data = {1, 2, 3, 4, 5, 6, 7};
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
        int frames = 0;
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        WsEvents.Event event;
        do {
            event = events.nextIgnoringPings();
            all.writeBytes((byte[]) event.data());
            frames++;
        } while (!event.last());
        assertArrayEquals(data, all.toByteArray());
        assertTrue(frames >= 3, "expected at least 3 fragments, got " + frames);
    }

    @ParameterizedTest(name = "/echo?{0} is refused with 400")
    @ValueSource(strings = {"heartbeat=0", "heartbeat=abc", "delay=-1", "delay=60001", "closeAfter=0",
            "closeAfter=x", "code=4000", "closeAfter=1&code=1005", "closeAfter=1&code=999", "fragment=0",
            "fragment=2000000", "unknown=1", "delay=1&delay=2", "size=-1", "size=2000000", "ping=0", "ping=x",
            "dropAfter=0", "closeAfter=1&dropAfter=1", "stall=0", "stall=60001", "stallAfter=2", "stall=5&stallAfter=0",
            "noPong=yes", "rawCode=70000", "rawCode=1005", "closeAfter=1&code=1000&rawCode=1005", "badReason=true",
            "closeAfter=1&badReason=1"})
    void invalidParametersAreRefusedAtTheHandshake(String query) {
        CompletionException failure = assertThrows(CompletionException.class,
                () -> connect("/echo?" + query, new WsEvents()));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        assertEquals(400, handshake.getResponse().statusCode());
        String body = String.valueOf(handshake.getResponse().body());
        String lastParameter = query.substring(query.lastIndexOf('&') + 1);
        String name = lastParameter.substring(0, lastParameter.indexOf('='));
        assertTrue(body.contains("'" + name + "'"), "the refusal names the parameter: " + body);
    }

    @Test
    void serverPingsEverySession() throws Exception {
        WsEvents events = new WsEvents();
        connect("/echo", events);
        assertEquals("ping", events.next().kind());
        assertEquals("ping", events.next().kind());
    }

    @Test
    void clientThatAnswersPingsStaysOpen() throws Exception {
        WsEvents events = new WsEvents();
        WebSocket ws = connect("/echo", events);
        for (int i = 0; i < 12; i++) { // 12 pings at 200 ms: well past the 2 s pong timeout
            assertEquals("ping", events.next().kind());
        }
        ws.sendText("still here", true).join();
        assertEquals("still here", events.nextText());
    }

    private static WebSocket connect(String path, WsEvents events) {
        return HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri(path), events).join();
    }
}
