package dev.livegrid.standalone;

import dev.livegrid.config.Setting;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code header-timeout} and {@code http-idle-timeout} over real sockets, with short values: a request
 * head that trickles in is cut however steadily it trickles, an idle keep-alive connection is closed,
 * and a WebSocket, however idle, never is.
 */
class RequestTimeoutsTest {

    private static final String GET_PAGE = "GET /echo.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    /** Generous for a loaded machine: the sweep runs every quarter timeout, and the test's own reads add a little. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    @Test
    void aRequestHeadThatTricklesInIsClosedAtTheHeaderTimeoutThoughBytesKeepComing() throws Exception {
        try (LiveGridServer server = start("1s", "30s");
             Client client = new Client(server.port())) {
            Trickled trickled = client.trickleUntilClosed("GET /echo.html HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    + "a".repeat(200), Duration.ofMillis(100));
            assertWithin(trickled.elapsed(), Duration.ofSeconds(1));
            assertTrue(trickled.bytes() >= 8, "a byte every 100 ms kept arriving: " + trickled);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() throws Exception {
        try (LiveGridServer server = start("1s", "30s");
             Client client = new Client(server.port())) {
            assertTrue(client.silentFor(Duration.ofMillis(700)), "closed early");
            client.awaitClosed();
            assertWithin(client.age(), Duration.ofSeconds(1));
        }
    }

    /**
     * A head sent in pieces is fine within the timeout. After the answer, the connection waits for its
     * next request under the idle timeout (longer here), and the next head has a header timeout of its
     * own, from its first byte: a trickled WebSocket handshake is cut like any request.
     */
    @Test
    void eachRequestOnAKeepAliveConnectionHasItsOwnHeaderTimeout() throws Exception {
        try (LiveGridServer server = start("1500ms", "5s");
             Client client = new Client(server.port())) {
            client.send("GET /echo.html HTTP/1.1\r\n");
            assertTrue(client.silentFor(Duration.ofMillis(400)));
            client.send("Host: 127.0.0.1\r\n");
            assertTrue(client.silentFor(Duration.ofMillis(400)));
            client.send("\r\n");
            assertEquals(200, client.readStatus());
            assertTrue(client.silentFor(Duration.ofSeconds(2)), "an answered connection waits under the idle timeout");

            Trickled trickled = client.trickleUntilClosed(RawWebSocket.defaultRequest(server.port(), "/echo",
                    RawWebSocket.randomKey()), Duration.ofMillis(100));
            assertWithin(trickled.elapsed(), Duration.ofMillis(1500));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        try (LiveGridServer server = start("10s", "1s");
             Client busy = new Client(server.port());
             Client idle = new Client(server.port())) {
            for (int i = 0; i < 4; i++) {
                assertEquals(200, busy.exchange(GET_PAGE), "request " + i);
                assertTrue(busy.silentFor(Duration.ofMillis(600)), "closed while in use, after request " + i);
            }
            assertEquals(200, idle.exchange(GET_PAGE));
            long answered = System.nanoTime();
            idle.awaitClosed();
            assertWithin(Duration.ofNanos(System.nanoTime() - answered), Duration.ofSeconds(1));
        }
    }

    /** Upgraded connections are never timed: neither a fresh one nor one upgraded after a plain request. */
    @Test
    void aWebSocketIdleFarLongerThanBothTimeoutsStaysOpen() throws Exception {
        try (LiveGridServer server = start("1s", "1s");
             RawWebSocket echo = RawWebSocket.open(server.port(), "/echo");
             RawWebSocket sheet = RawWebSocket.open(server.port(), "/sheets/idle?name=Ida");
             RawWebSocket afterPage = RawWebSocket.connect(server.port())) {
            assertEquals(200, afterPage.exchange(GET_PAGE).status());
            assertEquals(101, afterPage.exchange(afterPage.defaultRequest("/echo")).status());
            assertTrue(sheet.readFrame().text().contains("\"type\":\"welcome\""));

            assertEquals("silence", echo.outcome(), "5 s without a byte either way");
            echo.sendText("still here");
            assertEquals("still here", echo.readFrame().text());
            afterPage.sendText("me too");
            assertEquals("me too", afterPage.readFrame().text());
            sheet.sendText("{\"type\":\"focus\",\"row\":\"seed1\",\"col\":\"name\"}");
            assertTrue(sheet.readFrame().text().startsWith("{\"type\":"), "the sheet answers (presence or error)");
        }
    }

    private static LiveGridServer start(String headerTimeout, String idleTimeout) throws IOException {
        return LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.HEADER_TIMEOUT, headerTimeout, Setting.HTTP_IDLE_TIMEOUT, idleTimeout)));
    }

    private static void assertWithin(Duration elapsed, Duration timeout) {
        assertTrue(elapsed.compareTo(timeout.minusMillis(100)) >= 0, "closed after " + elapsed + ", before " + timeout);
        assertTrue(elapsed.compareTo(timeout.plus(SLACK)) < 0, "closed only after " + elapsed + " (timeout " + timeout + ")");
    }

    private record Trickled(Duration elapsed, int bytes) {
    }

    /** A plain TCP client that can send a byte at a time and tell whether the server has closed. */
    private static final class Client implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final long connected = System.nanoTime();

        Client(int port) throws IOException {
            this.socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Sends a request without a body and reads its response's status (and drops the rest of it). */
        int exchange(String request) throws IOException {
            send(request);
            return readStatus();
        }

        /** Reads one response with a Content-Length; returns its status. */
        int readStatus() throws IOException {
            socket.setSoTimeout(5000);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    fail("the server closed the connection instead of answering: " + head);
                }
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                    .matcher(head);
            if (length.find()) {
                in.readNBytes(Integer.parseInt(length.group(1)));
            }
            return Integer.parseInt(head.substring(9, 12));
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        Duration age() {
            return Duration.ofNanos(System.nanoTime() - connected);
        }

        /** True when the server sends nothing and keeps the connection for {@code time}; false when it closes. */
        boolean silentFor(Duration time) throws IOException {
            socket.setSoTimeout((int) time.toMillis());
            try {
                int b = in.read();
                if (b >= 0) {
                    fail("the server sent a byte: " + (char) b);
                }
                return false;
            } catch (SocketTimeoutException e) {
                return true;
            } catch (SocketException e) {
                return false; // reset
            }
        }

        void awaitClosed() throws IOException {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (silentFor(Duration.ofMillis(200))) {
                if (System.nanoTime() > deadline) {
                    fail("the server kept the connection open for 15 s");
                }
            }
        }

        /**
         * Sends {@code text} a byte at a time, {@code pause} apart (watching for the server's answer
         * meanwhile), until the server ends the connection; never the whole text, so the head never completes.
         */
        Trickled trickleUntilClosed(String text, Duration pause) throws IOException {
            long start = System.nanoTime();
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            for (int sent = 0; sent < bytes.length - 1; sent++) {
                try {
                    out.write(bytes[sent]);
                    out.flush();
                } catch (IOException e) {
                    return new Trickled(Duration.ofNanos(System.nanoTime() - start), sent);
                }
                if (!silentFor(pause)) {
                    return new Trickled(Duration.ofNanos(System.nanoTime() - start), sent + 1);
                }
            }
            throw new AssertionError("the server waited for all " + bytes.length + " bytes, sent " + pause + " apart");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
