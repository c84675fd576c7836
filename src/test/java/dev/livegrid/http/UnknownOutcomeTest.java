package dev.livegrid.http;

import dev.livegrid.config.Settings;
import dev.livegrid.room.RoomRegistry;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An op whose sheet does not answer within {@link SheetApi#WAIT} may still be applied: the 503 says
 * the outcome is unknown, and resending with the same op id or {@code Idempotency-Key} reports the
 * op's one outcome instead of applying it twice.
 */
class UnknownOutcomeTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final HeldCommitStore store = new HeldCommitStore();
    private final RoomRegistry rooms = new RoomRegistry(Settings.defaults(), pool, store);
    private final SheetApi api = new SheetApi(rooms, Settings.defaults());

    @AfterEach
    void stop() {
        store.release();
        rooms.close();
        pool.shutdownNow();
    }

    @Test
    void anOpThatTimesOutIsUnknownAndItsResendIsAnsweredWithItsOneOutcome() throws Exception {
        awaitStored("demo", api.handle(ApiRequest.of("GET", "/api/sheets/demo", Map.of(), "")).orElseThrow());
        String legacy = "{\"index\":0,\"forms\":\"hobby\",\"value\":\"held\"}";
        String op = "{\"type\":\"edit\",\"id\":\"slow-1\",\"row\":\"seed2\",\"col\":\"hobby\",\"value\":\"held too\"}";
        Map<String, String> keyed = Map.of("Idempotency-Key", "retry-safe-1");

        store.hold();
        CompletableFuture<ApiResponse> legacyAnswer = CompletableFuture.supplyAsync(
                () -> api.handle(ApiRequest.of("POST", "/input-change", keyed, legacy)).orElseThrow());
        CompletableFuture<ApiResponse> opAnswer = CompletableFuture.supplyAsync(
                () -> api.handle(ApiRequest.of("POST", "/api/sheets/demo/ops", Map.of(), op)).orElseThrow());

        ApiResponse unknown = legacyAnswer.get();
        assertEquals(503, unknown.status(), unknown.body());
        assertEquals("1", unknown.headers().get("Retry-After"));
        assertEquals("outcome-unknown", json(unknown).getString("code"));
        assertTrue(json(unknown).getString("message").contains("resend the same body with the same Idempotency-Key"), unknown.body());
        ApiResponse unknownOp = opAnswer.get();
        assertEquals(503, unknownOp.status(), unknownOp.body());
        assertEquals("outcome-unknown", json(unknownOp).getString("code"));
        assertTrue(json(unknownOp).getString("message").contains("resend the same op with the same id"), unknownOp.body());

        store.release(); // the ops commit after all
        ApiResponse resent = api.handle(ApiRequest.of("POST", "/input-change", keyed, legacy)).orElseThrow();
        assertEquals(200, resent.status(), resent.body());
        assertEquals("retry-safe-1", json(resent).getString("id"));
        ApiResponse resentOp = api.handle(ApiRequest.of("POST", "/api/sheets/demo/ops", Map.of(), op)).orElseThrow();
        assertEquals(200, resentOp.status(), resentOp.body());
        ApiResponse sheet = api.handle(ApiRequest.of("GET", "/api/sheets/demo", Map.of(), "")).orElseThrow();
        assertEquals(2, json(sheet).getInt("version"), "each op applied once: " + sheet.body());
    }

    /** Waits until the sheet's initial write is in the store, so holding commits holds only the ops. */
    private void awaitStored(String sheet, ApiResponse opened) throws InterruptedException {
        assertEquals(200, opened.status());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.list().stream().noneMatch(s -> s.id().equals(sheet))) {
            assertTrue(System.nanoTime() < deadline, sheet + " was never stored");
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    private static JsonObject json(ApiResponse response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
