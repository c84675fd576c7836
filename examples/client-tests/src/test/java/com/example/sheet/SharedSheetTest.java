package com.example.sheet;

import dev.livegrid.client.Applied;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.OpRejectedException;
import dev.livegrid.client.Table;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.testing.LiveGridSettings;
import dev.livegrid.testing.LiveGridTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Two people on one sheet of a LiveGrid with sign-in, through LiveGrid's Java client. */
@LiveGridSettings(auth = "token")
class SharedSheetTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void bothSeeTheSameTableAndAStaleEditIsRefused(LiveGridServer server, LiveGridTokens tokens) throws Exception {
        try (LiveGridClient alice = client(server, "plans", tokens.withRole("alice", "editor"));
             LiveGridClient bob = client(server, "plans", tokens.withRole("bob", "editor"))) {
            alice.connect().get(10, TimeUnit.SECONDS);
            bob.connect().get(10, TimeUnit.SECONDS);

            String col = alice.addColumn("Task", null).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
            String row = alice.insertRow(null, Map.of(col, "write tests")).get(10, TimeUnit.SECONDS).createdId().orElseThrow();
            Table seenByBob = bob.awaitVersion(alice.version(), WAIT).get();
            assertEquals(alice.table(), seenByBob);

            long base = seenByBob.versionOf(row, col);
            Applied bobs = bob.edit(row, col, "write more tests", base).get(10, TimeUnit.SECONDS);
            ExecutionException stale = assertThrows(ExecutionException.class,
                    () -> alice.edit(row, col, "ship it", base).get(10, TimeUnit.SECONDS));
            OpRejectedException refused = assertInstanceOf(OpRejectedException.class, stale.getCause());
            assertEquals("conflict", refused.code());
            assertEquals("write more tests", alice.awaitVersion(bobs.version(), WAIT).get().value(row, col));
        }
    }

    @Test
    void aViewerCannotEdit(LiveGridServer server, LiveGridTokens tokens) throws Exception {
        try (LiveGridClient owner = client(server, "board", tokens.withRole("carol", "editor"));
             LiveGridClient viewer = client(server, "board", tokens.withSheetRoles("dave", Map.of("board", "viewer")))) {
            owner.connect().get(10, TimeUnit.SECONDS);
            viewer.connect().get(10, TimeUnit.SECONDS);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> viewer.addColumn("Mine", null).get(10, TimeUnit.SECONDS));
            assertEquals("read-only", ((OpRejectedException) refused.getCause()).code());
        }
    }

    private static LiveGridClient client(LiveGridServer server, String sheet, String token) {
        return LiveGridClient.builder(server.baseUri(), sheet).token(token).build();
    }
}
