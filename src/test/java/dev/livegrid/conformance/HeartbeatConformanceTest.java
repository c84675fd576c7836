package dev.livegrid.conformance;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import static dev.livegrid.support.RawWebSocket.CLOSE;
import static dev.livegrid.support.RawWebSocket.PING;
import static dev.livegrid.support.RawWebSocket.PONG;
import static dev.livegrid.support.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.livegrid.config.Settings;
import dev.livegrid.support.RawWebSocket.CloseFrame;
import dev.livegrid.support.RawWebSocket.Frame;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's ping/pong heartbeat and the /echo heartbeat messages, seen by raw clients that answer pings or do not. */
class HeartbeatConformanceTest {

    private static final Duration PING_INTERVAL = Duration.ofMillis(300);
    private static final Duration PONG_TIMEOUT = Duration.ofMillis(500);
    /** Generous bound for "a few seconds" after the first ping: the pong timeout is 0.5 s. */
    private static final Duration SILENT_CLIENT_CLOSED_WITHIN = Duration.ofSeconds(4);

    private static LiveGridServer server;
    private static int port;

    @BeforeAll
    static void startServer() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback()
                .withHeartbeat(PING_INTERVAL, PONG_TIMEOUT));
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void clientThatNeverAnswersPingsIsPingedThenClosedWith1001() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            Frame first = ws.readFrame();
            // Ticks are server-wide, so the first ping may come at any time within one interval.
            long firstPingAt = System.nanoTime();
            assertEquals(PING, first.opcode(), () -> "first frame from the server: " + first);
            assertTrue(first.fin(), "a ping is never fragmented");
            assertTrue(first.payload().length <= 125, "control frame payload");

            CloseFrame close = ws.readClose();  // further pings before the close are skipped
            Duration waited = Duration.ofNanos(System.nanoTime() - firstPingAt);
            assertEquals(1001, close.code(), () -> "close " + close);
            ws.expectEof();
            Duration untilEof = Duration.ofNanos(System.nanoTime() - firstPingAt);
            assertTrue(waited.compareTo(PONG_TIMEOUT.minusMillis(100)) >= 0,
                    () -> "closed " + waited + " after the first ping, before its pong could be late");
            assertTrue(untilEof.compareTo(SILENT_CLIENT_CLOSED_WITHIN) < 0, () -> "EOF only after " + untilEof);
        }
    }

    @Test
    void clientThatAnswersEveryPingStaysOpenPastThePongTimeout() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo")) {
            long firstPingAt = 0;
            for (int pings = 0; pings < 6; pings++) {
                Frame frame = ws.readFrame();
                assertEquals(PING, frame.opcode(), () -> "only pings expected while the client answers them: " + frame);
                ws.sendFrame(true, PONG, frame.payload());
                if (pings == 0) {
                    firstPingAt = System.nanoTime();
                }
            }
            // Six pings are five intervals (1.5 s): three pong timeouts.
            Duration open = Duration.ofNanos(System.nanoTime() - firstPingAt);
            assertTrue(open.compareTo(PONG_TIMEOUT.multipliedBy(2)) > 0, () -> "only " + open + " elapsed");

            ws.sendText("still open");
            Frame reply = nextNonPing(ws);
            assertEquals(TEXT, reply.opcode(), () -> "reply " + reply);
            assertEquals("still open", reply.text());
        }
    }

    @Test
    void echoHeartbeatParameterDeliversPeriodicHeartbeatTexts() throws IOException {
        long start = System.nanoTime();
        try (RawWebSocket ws = RawWebSocket.open(port, "/echo?heartbeat=0.2")) {
            List<String> heartbeats = new ArrayList<>();
            while (heartbeats.size() < 3) {
                Frame frame = nextNonPing(ws);
                assertEquals(TEXT, frame.opcode(), () -> "unexpected " + frame);
                assertTrue(frame.fin(), "heartbeat text is one frame");
                assertTrue(frame.text().contains("heartbeat"), () -> "text without 'heartbeat': " + frame.text());
                heartbeats.add(frame.text());
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // Three messages 0.2 s apart cannot all be there before 0.6 s; a burst would be.
            assertTrue(elapsed.compareTo(Duration.ofMillis(550)) >= 0, () -> "three heartbeats after only " + elapsed);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, () -> "three heartbeats took " + elapsed);
            assertEquals(3, heartbeats.stream().distinct().count(), () -> "heartbeats should differ: " + heartbeats);
        }
    }

    /** The next frame that is not a server ping, answering every ping on the way; a close fails the test. */
    private static Frame nextNonPing(RawWebSocket ws) throws IOException {
        while (true) {
            Frame frame = ws.readFrame();
            if (frame.opcode() == PING) {
                ws.sendFrame(true, PONG, frame.payload());
                continue;
            }
            assertTrue(frame.opcode() != CLOSE, () -> "unexpected close " + frame);
            return frame;
        }
    }
}
