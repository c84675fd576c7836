package dev.livegrid.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bookkeeping of unanswered ops, as livegrid.js keeps it: order, holding, superseded edits, merged acks. */
class PendingOpsTest {

    private final PendingOps pending = new PendingOps();

    private static PendingOps.Pending edit(String id, String row, String col) {
        Op op = new Op.Edit(row, col, id);
        return new PendingOps.Pending(id, op, Wire.op(id, op, null), new CompletableFuture<>());
    }

    private static PendingOps.Pending deleteRow(String id) {
        Op op = new Op.DeleteRow("r1");
        return new PendingOps.Pending(id, op, Wire.op(id, op, null), new CompletableFuture<>());
    }

    private List<String> ids() {
        return pending.inOrder().stream().map(PendingOps.Pending::id).toList();
    }

    @Test
    void opsMadeBehindAHeldOpWaitAndGoAgainInOrder() {
        assertTrue(pending.add(edit("a", "r1", "c1")));
        assertTrue(pending.add(edit("b", "r1", "c2")));
        pending.hold("a"); // refused rate-limited; b is on the wire already
        assertFalse(pending.add(edit("c", "r1", "c3")), "made after a refusal: waits behind it");

        PendingOps.Release release = pending.release(32);

        assertEquals(List.of("a", "c"), release.send().stream().map(PendingOps.Pending::id).toList());
        assertEquals(List.of("b", "a", "c"), ids()); // the order they are now on the wire
        assertTrue(pending.add(edit("d", "r1", "c4")), "nothing held any more");
    }

    @Test
    void aHeldEditOfACellEditedAgainSinceIsSupersededNotResent() {
        pending.add(edit("a", "r1", "c1"));
        pending.hold("a");
        pending.add(edit("b", "r1", "c1")); // a newer value of the same cell

        PendingOps.Release release = pending.release(32);

        assertEquals(List.of("a"), release.superseded().stream().map(PendingOps.Pending::id).toList());
        assertEquals(List.of("b"), release.send().stream().map(PendingOps.Pending::id).toList());
    }

    @Test
    void heldOpsGoABatchAtATime() {
        for (int i = 0; i < 5; i++) {
            pending.add(edit("e" + i, "r1", "c" + i));
            pending.hold("e" + i);
        }

        PendingOps.Release first = pending.release(2);

        assertEquals(2, first.send().size());
        assertTrue(first.more());
        assertEquals(List.of("e2", "e3", "e4", "e0", "e1"), ids());
    }

    @Test
    void aLiveAckProvesEarlierUnansweredEditsApplied() {
        pending.add(edit("a", "r1", "c1"));
        pending.add(deleteRow("b"));
        pending.add(edit("c", "r1", "c2"));

        PendingOps.Acknowledged ack = pending.acknowledge("c", true);

        assertEquals("c", ack.op().id());
        assertEquals(List.of("a"), ack.mergedBefore().stream().map(PendingOps.Pending::id).toList());
        assertEquals(List.of("b"), ids()); // only edits are merged by the server
    }

    @Test
    void anAckFromBeforeTheWelcomeProvesNothingAboutOthers() {
        pending.add(edit("a", "r1", "c1"));
        pending.add(edit("c", "r1", "c2"));

        PendingOps.Acknowledged ack = pending.acknowledge("c", false);

        assertTrue(ack.mergedBefore().isEmpty());
        assertEquals(List.of("a"), ids());
    }

    @Test
    void theLargestOpIsTheOneWithTheLongestFrame() {
        pending.add(edit("a", "r1", "c1"));
        pending.add(edit("much-longer-id", "r1", "c1"));

        assertEquals("much-longer-id", pending.largest().id());
    }
}
