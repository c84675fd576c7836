package dev.livegrid.client;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static dev.livegrid.client.LiveGridClientTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that sends faster than the server's {@code op-rate}: the ops refused as {@code rate-limited}
 * wait and go again after a pause until the server takes them, each applied once, and an older edit
 * never puts its value back over a newer one of the same cell.
 */
@Timeout(90)
class ClientRateLimitTest {

    /** Ops a second; twice that in a burst. */
    private static final int RATE = 5;
    private static final int OPS = 30;

    private LiveGridServer server;
    private final List<LiveGridClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback().with(Setting.OP_RATE, String.valueOf(RATE)));
    }

    @AfterEach
    void stop() {
        clients.forEach(LiveGridClient::close);
        server.close();
    }

    private LiveGridClient join(String sheet) throws Exception {
        LiveGridClient client = LiveGridClient.builder(server.baseUri(), sheet).build();
        clients.add(client);
        await(client.connect());
        return client;
    }

    @Test
    void opsRefusedForGoingTooFastAreSentAgainUntilEachIsAppliedOnce() throws Exception {
        LiveGridClient client = join("busy");
        String col = await(client.addColumn("N", null)).createdId().orElseThrow();

        List<CompletableFuture<Applied>> rows = new ArrayList<>();
        for (int i = 0; i < OPS; i++) {
            rows.add(client.insertRow(null, Map.of(col, String.valueOf(i))));
        }

        Set<Long> versions = new TreeSet<>();
        for (CompletableFuture<Applied> row : rows) {
            versions.add(await(row).version());
        }
        assertTrue(client.rateLimitedAnswers() > 0, "the server refused some ops as rate-limited");
        // One version each, none missing: every op applied exactly once. (Ops already sent when an earlier one
        // was refused may be applied before it; ops made after the refusal wait behind it.)
        assertEquals(LongStream.rangeClosed(2, OPS + 1).boxed().collect(Collectors.toSet()), versions);
        assertEquals(IntStream.range(0, OPS).mapToObj(String::valueOf).collect(Collectors.toSet()),
                client.table().rows().stream().map(row -> row.value(col)).collect(Collectors.toSet()));
        assertEquals(OPS, client.table().rows().size());
    }

    @Test
    void aCellEditedFasterThanTheRateEndsWithItsNewestValue() throws Exception {
        LiveGridClient client = join("hot-cell");
        String col = await(client.addColumn("N", null)).createdId().orElseThrow();
        String row = await(client.insertRow(null)).createdId().orElseThrow();

        List<CompletableFuture<Applied>> edits = new ArrayList<>();
        for (int i = 0; i < OPS; i++) {
            edits.add(client.edit(row, col, String.valueOf(i)));
        }

        for (CompletableFuture<Applied> edit : edits) {
            try {
                edit.join();
            } catch (CompletionException e) {
                // Overtaken while it waited: dropped, not sent late.
                assertEquals("superseded", assertInstanceOf(OpRejectedException.class, e.getCause()).code());
            }
        }
        assertTrue(client.rateLimitedAnswers() > 0, "the server refused some edits as rate-limited");
        String newest = String.valueOf(OPS - 1);
        assertEquals(newest, client.table().value(row, col));
        assertEquals(newest, join("hot-cell").table().value(row, col), "the server agrees");
    }
}
