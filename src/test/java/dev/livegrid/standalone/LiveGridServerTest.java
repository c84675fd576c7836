package dev.livegrid.standalone;

import dev.livegrid.client.Disconnection;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.ReconnectPolicy;
import dev.livegrid.client.SheetListener;
import dev.livegrid.client.Status;
import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.support.WsEvents;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The embedding API: start on a free port, serve page and sockets on it, honour the bind address, stop cleanly. */
class LiveGridServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void portZeroPicksAFreePortAndBaseUriPointsAtIt() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(loopback())) {
            assertTrue(server.port() > 0);
            assertEquals("http://127.0.0.1:" + server.port() + "/", server.baseUri().toString());
            assertEquals("ws://127.0.0.1:" + server.port() + "/echo", server.webSocketUri("/echo").toString());
        }
    }

    @Test
    void aDataSourceIsRefusedOutsideAJakartaServer() {
        dev.livegrid.config.InvalidSettingException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.livegrid.config.InvalidSettingException.class, () -> LiveGridServer.start(
                        loopback().with(dev.livegrid.config.Setting.DATA_SOURCE, "java:comp/DefaultDataSource")));
        assertTrue(e.getMessage().contains("livegrid.data-source (LIVEGRID_DATA_SOURCE)"), e.getMessage());
        assertTrue(e.getMessage().contains("standalone server keeps sheets in data-dir"), e.getMessage());
    }

    @Test
    void pagesAndWebSocketShareOnePort() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(loopback())) {
            assertEquals(200, get(server, "").statusCode());
            HttpResponse<String> echoPage = get(server, "echo.html");
            assertEquals(200, echoPage.statusCode());
            assertTrue(echoPage.body().contains("Hello world!"));
            assertEquals(404, get(server, "no-such-page.html").statusCode());

            WsEvents events = new WsEvents();
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/echo"), events).join();
            ws.sendText("same port", true).join();
            assertEquals("same port", events.nextText());
        }
    }

    /** Issue 9: on SIGTERM clients used to see 1006 (a dropped connection); a stopping server says 1001. */
    @Test
    void aStoppingServerClosesEverySocketWith1001GoingAway() throws Exception {
        LiveGridServer server = LiveGridServer.start(loopback());
        CompletableFuture<Disconnection> viewerLost = new CompletableFuture<>();
        try (LiveGridClient viewer = LiveGridClient.builder(server.baseUri(), "bye").reconnect(ReconnectPolicy.never())
                .listener(new SheetListener() {
                    @Override
                    public void onStatus(Status status, Disconnection cause) {
                        if (cause != null) {
                            viewerLost.complete(cause);
                        }
                    }
                }).build()) {
            viewer.connect().get(10, TimeUnit.SECONDS);
            WsEvents echo = new WsEvents();
            HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/echo"), echo).join()
                    .sendText("open?", true).join();
            // The client's handshake completes before the server's @OnOpen has run: its echo proves the session is there.
            assertEquals("open?", echo.nextText());

            server.close();

            assertEquals(new Disconnection(1001, "the server is shutting down"), viewerLost.get(10, TimeUnit.SECONDS));
            WsEvents.Event closed = echo.nextIgnoringPings();
            assertEquals("close", closed.kind());
            assertTrue(closed.data().toString().startsWith("1001 "), closed.toString());
        }
    }

    @Test
    void twoServersRunSideBySideWithTheirOwnSettings() throws Exception {
        try (LiveGridServer small = LiveGridServer.start(loopback().withMaxMessageSize(1000));
             LiveGridServer large = LiveGridServer.start(loopback())) {
            String text = "x".repeat(5000);
            WsEvents toLarge = new WsEvents();
            HTTP.newWebSocketBuilder().buildAsync(large.webSocketUri("/echo"), toLarge).join()
                    .sendText(text, true).join();
            assertEquals(text, toLarge.nextText());

            WsEvents toSmall = new WsEvents();
            HTTP.newWebSocketBuilder().buildAsync(small.webSocketUri("/echo"), toSmall).join()
                    .sendText(text, true).join();
            WsEvents.Event closed = toSmall.nextIgnoringPings();
            assertEquals("close", closed.kind());
            assertTrue(((String) closed.data()).startsWith("1009"), closed.toString());
        }
    }

    @Test
    void bindAddressIsHonoured() throws Exception {
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address to try");
        try (LiveGridServer server = LiveGridServer.start(loopback())) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
            }
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other.get(), server.port()), 2000);
                }
            }, "a server bound to 127.0.0.1 must not accept on " + other.get());
        }
    }

    @Test
    void closeStopsEveryThreadItStarted() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        LiveGridServer server = LiveGridServer.start(loopback());
        WsEvents events = new WsEvents();
        HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/echo?heartbeat=0.1&fragment=2"), events).join()
                .sendText("warm every pool", true).join();
        events.nextText();
        server.close();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(thread) && isServerThread(thread)) {
                thread.join(5000);
                assertTrue(!thread.isAlive(), "still running after close: " + thread.getName());
            }
        }
    }

    /** Threads of the JDK's HTTP client and common pool belong to the test, not to the server. */
    private static boolean isServerThread(Thread thread) {
        String name = thread.getName();
        return !(name.startsWith("HttpClient") || name.startsWith("ForkJoinPool") || name.startsWith("process reaper"));
    }

    private static Settings loopback() {
        return TestSettings.loopback();
    }

    private static HttpResponse<String> get(LiveGridServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : List.copyOf(NetworkInterface.networkInterfaces().toList())) {
            if (nic.isUp() && !nic.isLoopback()) {
                Optional<InetAddress> v4 = nic.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
                if (v4.isPresent()) {
                    return v4;
                }
            }
        }
        return Optional.empty();
    }
}
