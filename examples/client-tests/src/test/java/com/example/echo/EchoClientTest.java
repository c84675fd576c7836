package com.example.echo;

import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.testing.LiveGridSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EchoClient against LiveGrid's /echo, which misbehaves as each test's query parameters ask. */
@LiveGridSettings
class EchoClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void getsItsMessagesBack(LiveGridServer server) throws Exception {
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo"))) {
            client.send("hello").join();
            assertEquals("hello", client.receive(WAIT));
        }
    }

    @Test
    void seesAConnectionDroppedWithoutACloseFrameAsAbnormal(LiveGridServer server) throws Exception {
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo?dropAfter=1"))) {
            client.send("last words").join();
            assertEquals("last words", client.receive(WAIT));
            assertEquals(1006, client.ended().get(10, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void reportsTheServersCloseCodeAndReason(LiveGridServer server) throws Exception {
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo?closeAfter=1&code=4000&reason=bye"))) {
            client.send("one").join();
            assertEquals(new EchoClient.Ended(4000, "bye"), client.ended().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void answersTheServersPingsAndStaysConnected(LiveGridServer server) throws Exception {
        // The server pings every 100 ms and closes 1001 when a ping goes unanswered; its heartbeat
        // messages (every 100 ms) show the time passing.
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo?ping=0.1&heartbeat=0.1"))) {
            for (int i = 0; i < 10; i++) {
                assertTrue(client.receive(WAIT).contains("\"heartbeat\""));
            }
            assertFalse(client.ended().isDone(), "closed: " + client.ended().getNow(null));
        }
    }

    @Test
    void noticesAServerThatStopsAnsweringPings(LiveGridServer server) throws Exception {
        try (EchoClient healthy = EchoClient.connect(server.webSocketUri("/echo"))) {
            healthy.ping().get(10, TimeUnit.SECONDS);
        }
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo?noPong=true"))) {
            client.send("still echoing").join();
            assertEquals("still echoing", client.receive(WAIT));
            assertThrows(TimeoutException.class, () -> client.ping().get(2, TimeUnit.SECONDS));
        }
    }

    @Test
    void takesALargeReplyWhole(LiveGridServer server) throws Exception {
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo?size=100000&fragment=4096"))) {
            client.send("x").join();
            String reply = client.receive(WAIT);
            assertEquals(100_000, reply.length());
            assertTrue(reply.startsWith("x "));
        }
    }

    @Test
    void keepsItsOrderWhenTheServerStopsReading(LiveGridServer server) throws Exception {
        String chunk = "y".repeat(64 * 1024);
        try (EchoClient client = EchoClient.connect(server.webSocketUri("/echo?stall=1000&stallAfter=1"))) {
            for (int i = 0; i < 40; i++) {
                client.send(i + ":" + chunk); // 2.5 MB: more than TCP holds while the server is not reading
            }
            for (int i = 0; i < 40; i++) {
                assertTrue(client.receive(WAIT).startsWith(i + ":"), "message " + i + " out of order");
            }
        }
    }
}
