package dev.livegrid.http;

import dev.livegrid.store.SqliteSheetStore;
import dev.livegrid.config.Settings;
import dev.livegrid.room.RoomRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SheetApi} driven directly, as any adapter (Grizzly now, servlets later) drives it. */
class SheetApiWithoutServerTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final SheetApi api = new SheetApi(new RoomRegistry(Settings.defaults(), pool, SqliteSheetStore.inMemory()), Settings.defaults());

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void pathsOutsideTheApiAreLeftToTheAdapter() {
        for (String path : new String[]{"/", "/index.html", "/apis", "/api-docs", "/input-change/x"}) {
            assertTrue(api.handle(ApiRequest.of("GET", path, Map.of(), "")).isEmpty(), path);
        }
    }

    @Test
    void snapshotIsAnsweredWithoutAnyServer() {
        ApiResponse response = api.handle(ApiRequest.of("GET", "/api/sheets/demo", Map.of(), "")).orElseThrow();
        assertEquals(200, response.status());
        assertEquals(ApiResponse.JSON, response.contentType());
        assertTrue(response.headers().get("ETag").matches("\"[0-9a-z]+\\.0\""), response.headers().get("ETag"));
        assertTrue(response.body().matches("\\{\"sheet\":\"demo\",\"incarnation\":\"[0-9a-z]+\",\"version\":0,"
                + "\"columns\":\\[\\{\"id\":\"name\".*"), response.body());
    }

    @Test
    void headerNamesAreMatchedIgnoringCase() {
        ApiResponse response = api.handle(ApiRequest.of("GET", "/api/sheets/demo", Map.of("if-none-match", "*"), ""))
                .orElseThrow();
        assertEquals(304, response.status());
        assertEquals(null, response.body());
    }

    @Test
    void aStreamedBodyIsReadUpToItsContentLengthAndNoFurther() throws IOException {
        byte[] op = "{\"type\":\"blur\"}".getBytes(StandardCharsets.UTF_8);
        InputStream neverEnds = new SequenceInputStream(new ByteArrayInputStream(op), new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read past Content-Length");
            }
        });
        ApiResponse response = api.handle("POST", "/api/sheets/demo/ops", name -> null, neverEnds, op.length)
                .orElseThrow();
        assertEquals(400, response.status());
        assertTrue(response.body().contains("focus and blur"), response.body());
    }

    @Test
    void aBodyThatIsNotUtf8Is400() throws IOException {
        byte[] latin1 = "{\"index\":0,\"forms\":\"name\",\"value\":\"café\"}".getBytes(StandardCharsets.ISO_8859_1);
        ApiResponse response = api.handle("POST", "/input-change", name -> null, new ByteArrayInputStream(latin1), -1)
                .orElseThrow();
        assertEquals(400, response.status());
        assertEquals("{\"code\":\"bad-message\",\"message\":\"the body is not valid UTF-8\"}", response.body());
    }

    @Test
    void theBodyOfAGetOrDeleteIsReadAndIgnoredWhateverItHolds() throws IOException {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{'};
        ByteArrayInputStream getBody = new ByteArrayInputStream(notUtf8);
        ApiResponse snapshot = api.handle("GET", "/api/sheets/demo", name -> null, getBody, notUtf8.length).orElseThrow();
        assertEquals(200, snapshot.status(), snapshot.body());
        assertEquals(0, getBody.available(), "the body was read, so the connection can carry the next request");
        ApiResponse deleted = api.handle("DELETE", "/api/sheets/demo", name -> null, new ByteArrayInputStream(notUtf8), -1)
                .orElseThrow();
        assertEquals(204, deleted.status(), deleted.body());
    }
}
