package dev.livegrid.room;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.http.ApiRequest;
import dev.livegrid.http.ApiResponse;
import dev.livegrid.http.SheetApi;
import dev.livegrid.store.StoredSheet;
import dev.livegrid.support.InMemoryStoreWrapper;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sheet nobody has open stays loaded for a while (issue 9): HTTP requests on it used to reload it
 * from the store each time (0.3–1 s per op on a 10,000-row sheet, gigabytes of garbage). It leaves
 * after {@code idle-sheet-timeout}, and it can always be loaded again.
 */
@Timeout(60)
class IdleRoomTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final CountingStore store = new CountingStore();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void httpRequestsOnASheetNobodyHasOpenLoadItOnce() {
        Settings settings = TestSettings.loopback();
        try (RoomRegistry rooms = new RoomRegistry(settings, pool, store, scheduler)) {
            SheetApi api = new SheetApi(rooms, settings);
            assertEquals(200, call(api, "POST", "/api/sheets/demo/ops", "{\"type\":\"addColumn\",\"id\":\"a0\",\"name\":\"x\"}"));
            for (int i = 1; i <= 50; i++) {
                assertEquals(200, call(api, "POST", "/api/sheets/demo/ops",
                        "{\"type\":\"renameColumn\",\"id\":\"a" + i + "\",\"col\":\"c1\",\"name\":\"n" + i + "\"}"));
                assertEquals(200, call(api, "GET", "/api/sheets/demo", ""));
            }

            assertEquals(1, store.loads.get(), "101 requests, one load");
            assertTrue(rooms.isLoaded("demo"));
        }
    }

    @Test
    void anIdleSheetLeavesAfterTheTimeoutAndLoadsAgainOnUse() throws Exception {
        Settings settings = TestSettings.loopback().with(Setting.IDLE_SHEET_TIMEOUT, "200ms");
        try (RoomRegistry rooms = new RoomRegistry(settings, pool, store, scheduler)) {
            SheetApi api = new SheetApi(rooms, settings);
            rooms.release(rooms.acquire("idle", true));
            assertEquals(200, call(api, "POST", "/api/sheets/idle/ops", "{\"type\":\"addColumn\",\"id\":\"a0\",\"name\":\"x\"}"));
            assertTrue(rooms.isLoaded("idle"));

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (rooms.isLoaded("idle") && System.nanoTime() < deadline) {
                Thread.sleep(20); // a deadline poll: the sweep runs on the scheduler
            }
            assertTrue(!rooms.isLoaded("idle"), "still loaded 10 s after a 200 ms idle timeout");
            int loads = store.loads.get();

            assertEquals(200, call(api, "GET", "/api/sheets/idle", ""));
            assertEquals(loads + 1, store.loads.get(), "loaded again on use");
        }
    }

    private static int call(SheetApi api, String method, String path, String body) {
        ApiResponse response = api.handle(ApiRequest.of(method, path, Map.of(), body)).orElseThrow();
        return response.status();
    }

    /** The in-memory store, counting how often a sheet is read from it. */
    private static final class CountingStore extends InMemoryStoreWrapper {
        final AtomicInteger loads = new AtomicInteger();

        @Override
        public Optional<StoredSheet> load(String sheetId) {
            loads.incrementAndGet();
            return super.load(sheetId);
        }
    }
}
