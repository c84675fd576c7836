package dev.livegrid.http;

import dev.livegrid.support.Tokens;
import java.util.Map;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Ops over HTTP are rate-limited per client address like a socket's ops ({@code op-rate}, bursts of
 * twice that): beyond, {@code 429} with {@code Retry-After} and the API's problem body, nothing applied;
 * after waiting, ops go through again. Over real sockets, from two loopback addresses.
 */
class HttpOpRateLimitTest {

    private static final String OTHER_CLIENT = "127.0.0.2";
    private static LiveGridServer server;
    private static int opCount;

    @BeforeAll
    static void start() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback().with(Setting.OP_RATE, "1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void opsBeyondTheRateAre429UntilTheClientWaits() throws Exception {
        long before = version();
        for (int i = 0; i < 2; i++) {
            assertEquals(200, postOp("127.0.0.1").status(), "op " + i + " of the burst of 2");
        }
        RawWebSocket.HttpResponse limited = postOp("127.0.0.1");
        assertEquals("HTTP/1.1 429 Too Many Requests", limited.statusLine());
        assertEquals("1", limited.header("Retry-After"), limited.toString());
        assertTrue(limited.header("Content-Type").startsWith("application/json"), limited.toString());
        JsonObject problem = Json.createReader(new StringReader(limited.body())).readObject();
        assertEquals("rate-limited", problem.getString("code"));
        assertEquals("more ops than livegrid.op-rate allows from address 127.0.0.1: 1 a second, bursts of 2; retry after 1 s",
                problem.getString("message"));
        assertEquals(429, post("127.0.0.1", "/input-change",
                "{\"index\":0,\"forms\":\"name\",\"value\":\"legacy\"}").status(), "the legacy edit shares the budget");
        assertEquals(200, get("127.0.0.1", "/api/sheets/demo").status(), "reads are not limited");
        assertEquals(200, postOp(OTHER_CLIENT).status(), "another address has a budget of its own");
        assertEquals(before + 3, version(), "refused ops were not applied");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        RawWebSocket.HttpResponse retried;
        while ((retried = postOp("127.0.0.1")).status() == 429) {
            if (System.nanoTime() > deadline) {
                fail("still limited after 10 s: " + retried);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        assertEquals(200, retried.status(), retried.toString());
        assertEquals(before + 4, version());
    }

    @Test
    void aSignedInCallerHasABudgetOfItsOwnWhereverItCallsFrom() throws Exception {
        Tokens tokens = Tokens.hs256();
        String alice = tokens.withRole("alice", "editor");
        String bob = tokens.withRole("bob", "editor");
        try (LiveGridServer signedIn = LiveGridServer.start(TestSettings.loopback().with(Map.of(Setting.OP_RATE, "1",
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)))) {
            for (int i = 0; i < 2; i++) {
                assertEquals(200, postOp(signedIn, "127.0.0.1", alice).status(), "op " + i + " of alice's burst");
            }
            RawWebSocket.HttpResponse limited = postOp(signedIn, "127.0.0.2", alice);
            assertEquals(429, limited.status(), "another address does not give alice another budget: " + limited);
            assertTrue(limited.body().contains("from user alice"), limited.body());
            assertEquals(200, postOp(signedIn, "127.0.0.1", bob).status(), "bob, from alice's address, has his own");
        }
    }

    private static RawWebSocket.HttpResponse postOp(LiveGridServer on, String from, String token) throws IOException {
        String op = SheetOps.edit("rate-" + (++opCount), "seed1", "age", String.valueOf(opCount), null);
        byte[] bytes = op.getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket client = RawWebSocket.connectFrom(from, on.port())) {
            return client.exchange("POST /api/sheets/demo/ops HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n" + op);
        }
    }

    private static RawWebSocket.HttpResponse postOp(String from) throws IOException {
        String op = SheetOps.edit("rate-" + (++opCount), "seed1", "age", String.valueOf(opCount), null);
        return post(from, "/api/sheets/demo/ops", op);
    }

    private static RawWebSocket.HttpResponse post(String from, String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket client = RawWebSocket.connectFrom(from, server.port())) {
            return client.exchange("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
        }
    }

    private static RawWebSocket.HttpResponse get(String from, String path) throws IOException {
        try (RawWebSocket client = RawWebSocket.connectFrom(from, server.port())) {
            return client.exchange("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
    }

    private static long version() throws IOException {
        RawWebSocket.HttpResponse sheet = get("127.0.0.1", "/api/sheets/demo");
        return Json.createReader(new StringReader(sheet.body())).readObject().getJsonNumber("version").longValue();
    }
}
