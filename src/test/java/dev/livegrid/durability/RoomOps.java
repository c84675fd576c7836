package dev.livegrid.durability;

import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.sheet.Op;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ops submitted straight to a room whose sequencer runs on a {@link ManualPool}, for the race tests. */
final class RoomOps {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern ASSIGNED = Pattern.compile("\"(col|row)\":\"([^\"]+)\"");

    private RoomOps() {
    }

    /** Submits an op as {@code u-t}, lets it commit, and returns the id it assigned (column or row), if any. */
    static String applied(ManualPool pool, Room room, String opId, Op op) throws Exception {
        CompletableFuture<OpResult> result = room.submit("u-t", opId, op);
        pool.runUntil(result::isDone, WAIT);
        OpResult r = result.get(1, TimeUnit.SECONDS);
        assertTrue(r.applied(), opId + ": " + r);
        Matcher m = ASSIGNED.matcher(r.text());
        return m.find() ? m.group(2) : null;
    }
}
