package dev.livegrid.standalone;

import dev.livegrid.config.Setting;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code max-connections} and {@code max-connections-per-address} over real sockets: refusals at the
 * handshake, and a count that follows every connection to its end, however it ends. A count that
 * leaked would lock clients out for good, so every test ends with the count back at zero.
 */
class WebSocketLimitsTest {

    private static final String OTHER_CLIENT = "127.0.0.2";

    @Test
    void overItsAddressLimitAClientGets429AndOverTheTotalEveryoneGets503() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.MAX_CONNECTIONS, "3", Setting.MAX_CONNECTIONS_PER_ADDRESS, "2")));
             Clients clients = new Clients()) {
            int port = server.port();
            RawWebSocket first = clients.add(RawWebSocket.open(port, "/echo"));
            clients.add(RawWebSocket.open(port, "/sheets/limits?name=Ann"));

            RawWebSocket.HttpResponse perAddress = clients.handshake(RawWebSocket.connect(port), "/echo");
            assertRefused(perAddress, 429, "Too Many Requests", "Your address (127.0.0.1) has its maximum of 2"
                    + " WebSocket connections open (livegrid.max-connections-per-address); close one or try again later.");

            RawWebSocket other = clients.add(RawWebSocket.connectFrom(OTHER_CLIENT, port));
            assertEquals(101, clients.handshake(other, "/echo").status(), "another address has room of its own");
            RawWebSocket.HttpResponse total = clients.handshake(RawWebSocket.connectFrom(OTHER_CLIENT, port), "/echo");
            assertRefused(total, 503, "Service Unavailable", "The server has its maximum of 3 WebSocket connections"
                    + " open (livegrid.max-connections); try again later.");
            assertEquals(3, server.openWebSockets());

            first.reset();
            awaitOpen(server, 2);
            RawWebSocket again = clients.add(RawWebSocket.connectFrom(OTHER_CLIENT, port));
            assertEquals(101, clients.handshake(again, "/echo").status(), "the freed slot is used again");
            again.sendText("still served");
            assertEquals("still served", again.readFrame().text());
            clients.closeAll();
            awaitOpen(server, 0);
        }
    }

    @Test
    void aPlainRequestAndAnEndpointlessUpgradeAreNotCounted() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.MAX_CONNECTIONS, "1", Setting.MAX_CONNECTIONS_PER_ADDRESS, "1")));
             Clients clients = new Clients()) {
            RawWebSocket ws = clients.add(RawWebSocket.open(server.port(), "/echo"));
            RawWebSocket plain = clients.add(RawWebSocket.connect(server.port()));
            assertEquals(200, plain.exchange("GET /echo.html HTTP/1.1\r\nHost: x\r\n\r\n").status(),
                    "pages are served however many WebSockets are open");
            ws.reset();
            awaitOpen(server, 0);
            RawWebSocket nowhere = clients.add(RawWebSocket.connect(server.port()));
            assertEquals(404, clients.handshake(nowhere, "/nowhere").status());
            awaitOpen(server, 0);
            assertEquals(101, clients.handshake(clients.add(RawWebSocket.connect(server.port())), "/echo").status());
        }
    }

    /** Client close, FIN, reset, server close, a protocol violation: each gives its slot back. */
    @Test
    void theCountReturnsToZeroHoweverTheConnectionsEnd() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.MAX_CONNECTIONS, "10", Setting.MAX_CONNECTIONS_PER_ADDRESS, "10")));
             Clients clients = new Clients()) {
            int port = server.port();
            for (int round = 0; round < 3; round++) {
                RawWebSocket closing = clients.add(RawWebSocket.open(port, "/echo"));
                RawWebSocket hangingUp = clients.add(RawWebSocket.open(port, "/sheets/count?name=Fin"));
                RawWebSocket crashing = clients.add(RawWebSocket.open(port, "/sheets/count?name=Rst"));
                RawWebSocket closedByServer = clients.add(RawWebSocket.open(port, "/echo?closeAfter=1&code=4000"));
                RawWebSocket violating = clients.add(RawWebSocket.open(port, "/echo"));
                RawWebSocket crashingMidHandshake = clients.add(RawWebSocket.connect(port));
                crashingMidHandshake.writeRaw(("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                awaitOpen(server, 5);

                closing.sendClose(1000, new byte[0]);
                assertEquals(1000, closing.readClose().code());
                closing.close();
                hangingUp.close();
                crashing.reset();
                crashingMidHandshake.reset();
                closedByServer.sendText("bye");
                assertEquals("bye", closedByServer.readFrame().text());
                assertEquals(4000, closedByServer.readClose().code());
                violating.send(RawWebSocket.FrameSpec.of(RawWebSocket.TEXT, RawWebSocket.utf8("x")).unmasked());
                assertEquals(1002, violating.readClose().code());
                awaitOpen(server, 0);
            }
        }
    }

    /**
     * A client that vanishes without a word (no FIN, no reset: a dead network) is found by the
     * heartbeat, which closes it; it never answers that close either, and the close grace cuts it.
     */
    @Test
    void aSilentlyVanishedClientIsCountedUntilTheHeartbeatAndTheCloseGraceEndIt() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.PING_INTERVAL, "1s", Setting.PONG_TIMEOUT, "1s", Setting.CLOSE_GRACE, "500ms",
                Setting.MAX_CONNECTIONS, "2")));
             Clients clients = new Clients()) {
            clients.add(RawWebSocket.open(server.port(), "/echo")); // never reads, never answers a ping
            clients.add(RawWebSocket.open(server.port(), "/sheets/vanished"));
            assertEquals(503, clients.handshake(RawWebSocket.connect(server.port()), "/echo").status());
            awaitOpen(server, 0);
            assertEquals(101, clients.handshake(clients.add(RawWebSocket.connect(server.port())), "/echo").status());
        }
    }

    /** Handshakes that race for the last slots: exactly as many as the limit get in, and all of them count. */
    @Test
    void racingHandshakesNeverOpenMoreThanTheLimit() throws Exception {
        int limit = 10;
        int contenders = 40;
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.MAX_CONNECTIONS, String.valueOf(limit), Setting.MAX_CONNECTIONS_PER_ADDRESS, "1000")));
             Clients clients = new Clients()) {
            ExecutorService pool = Executors.newFixedThreadPool(contenders);
            try {
                for (int round = 0; round < 2; round++) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Integer>> answers = new ArrayList<>();
                    for (int i = 0; i < contenders; i++) {
                        RawWebSocket ws = clients.add(RawWebSocket.connect(server.port()));
                        answers.add(pool.submit(() -> {
                            go.await();
                            return ws.exchange(ws.defaultRequest("/echo")).status();
                        }));
                    }
                    go.countDown();
                    int upgraded = 0;
                    int refused = 0;
                    for (Future<Integer> answer : answers) {
                        int status = answer.get(30, TimeUnit.SECONDS);
                        upgraded += status == 101 ? 1 : 0;
                        refused += status == 503 ? 1 : 0;
                    }
                    assertEquals(limit, upgraded, "upgraded");
                    assertEquals(contenders - limit, refused, "refused with 503");
                    assertEquals(limit, server.openWebSockets());
                    clients.resetAll();
                    awaitOpen(server, 0);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void assertRefused(RawWebSocket.HttpResponse response, int status, String phrase, String reason) {
        assertEquals(status, response.status(), response.toString());
        assertTrue(response.statusLine().endsWith(" " + phrase), response.statusLine());
        assertEquals("5", response.header("Retry-After"), response.toString());
        assertTrue(response.hasToken("Connection", "close"), response.toString());
        assertTrue(response.header("Content-Type").startsWith("text/plain"), response.toString());
        assertEquals(reason, response.body().strip());
    }

    /** Waits (at most 15 s) until the server counts exactly {@code expected} open WebSockets. */
    static void awaitOpen(LiveGridServer server, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (server.openWebSockets() != expected) {
            if (System.nanoTime() > deadline) {
                fail("the server counts " + server.openWebSockets() + " open WebSockets, not " + expected);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** The test's sockets, all closed at the end whatever happens. */
    private static final class Clients implements AutoCloseable {

        private final List<RawWebSocket> sockets = new ArrayList<>();

        synchronized RawWebSocket add(RawWebSocket ws) {
            sockets.add(ws);
            return ws;
        }

        /** Sends the default handshake for {@code path} on {@code ws} and reads the answer. */
        RawWebSocket.HttpResponse handshake(RawWebSocket ws, String path) throws IOException {
            add(ws);
            return ws.exchange(ws.defaultRequest(path));
        }

        synchronized void resetAll() throws IOException {
            for (RawWebSocket ws : sockets) {
                ws.reset();
            }
            sockets.clear();
        }

        synchronized void closeAll() throws IOException {
            for (RawWebSocket ws : sockets) {
                ws.close();
            }
            sockets.clear();
        }

        @Override
        public synchronized void close() throws IOException {
            closeAll();
        }
    }
}
