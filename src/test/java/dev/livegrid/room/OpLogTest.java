package dev.livegrid.room;

import dev.livegrid.sheet.Op;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The op log of a room: its window, duplicate detection by op id and request, and what a resume can be served from. */
class OpLogTest {

    // ---- window ----

    @Test
    void keepsOnlyTheLastWindowEntriesInVersionOrder() {
        OpLog log = logOf(3, 5);

        assertEquals(List.of(3L, 4L, 5L), versions(log.after(0)));
    }

    @Test
    void keepsEverythingWhileUnderTheWindow() {
        OpLog log = logOf(10, 4);

        assertEquals(List.of(1L, 2L, 3L, 4L), versions(log.after(0)));
    }

    @Test
    void anEvictedOpIsNoLongerADuplicate() {
        OpLog log = new OpLog(2);
        Op request = edit("v1");
        log.append(entry(1, "op-1", request));
        log.append(entry(2, "op-2", edit("v2")));
        assertEquals(1, log.duplicateOf("u-1", "op-1", request).version());

        log.append(entry(3, "op-3", edit("v3")));

        assertNull(log.duplicateOf("u-1", "op-1", request));
        assertEquals(2, log.duplicateOf("u-1", "op-2", edit("v2")).version());
    }

    @Test
    void evictingOneOfTwoOpsWithTheSameIdKeepsTheOther() {
        OpLog log = new OpLog(2);
        log.append(entry(1, "same", edit("alice")));
        log.append(entry(2, "same", edit("bob")));
        log.append(entry(3, "other", edit("carol")));

        assertNull(log.duplicateOf("u-1", "same", edit("alice")));
        assertEquals(2, log.duplicateOf("u-1", "same", edit("bob")).version());
    }

    @Test
    void aWindowOfOneKeepsOnlyTheLatestOp() {
        OpLog log = logOf(1, 3);

        assertEquals(List.of(3L), versions(log.after(0)));
        assertTrue(log.covers(2, 3));
        assertFalse(log.covers(1, 3));
    }

    // ---- duplicates ----

    @Test
    void theSameIdWithTheSameRequestIsADuplicateAnsweredWithItsOriginalEntry() {
        OpLog log = new OpLog(10);
        OpLog.Entry original = entry(7, "op-17", new Op.InsertRow(null, "r1", Map.of("c1", "Hong")));
        log.append(original);

        OpLog.Entry duplicate = log.duplicateOf("u-1", "op-17", new Op.InsertRow(null, "r1", Map.of("c1", "Hong")));

        assertSame(original, duplicate);
        assertEquals("applied-7", duplicate.appliedText());
        assertEquals(7, duplicate.version());
    }

    @Test
    void theSameIdWithADifferentRequestIsNotADuplicate() {
        OpLog log = new OpLog(10);
        log.append(entry(1, "op-1", new Op.Edit("r1", "c1", "a", null)));

        assertNull(log.duplicateOf("u-1", "op-1", new Op.Edit("r1", "c1", "b", null)));
        assertNull(log.duplicateOf("u-1", "op-1", new Op.Edit("r1", "c2", "a", null)));
        assertNull(log.duplicateOf("u-1", "op-1", new Op.Edit("r1", "c1", "a", 0L)));
        assertNull(log.duplicateOf("u-1", "op-1", new Op.DeleteRow("r1")));
    }

    @Test
    void aDifferentIdWithTheSameRequestIsNotADuplicate() {
        OpLog log = new OpLog(10);
        log.append(entry(1, "op-1", edit("a")));

        assertNull(log.duplicateOf("u-1", "op-2", edit("a")));
        assertNull(log.duplicateOf("u-1", "OP-1", edit("a")));
    }

    @Test
    void twoClientsUsingOneOpIdEachFindTheirOwnOp() {
        OpLog log = new OpLog(10);
        log.append(entry(1, "op-1", edit("alice"), "alice"));
        log.append(entry(2, "op-1", edit("bob"), "bob"));

        assertEquals("alice", log.duplicateOf("alice", "op-1", edit("alice")).by());
        assertEquals("bob", log.duplicateOf("bob", "op-1", edit("bob")).by());
    }

    /** Issue 9: B's op with A's id and content used to be answered with A's ack, and not applied. */
    @Test
    void anotherAuthorsOpWithTheSameIdAndContentIsNotADuplicate() {
        OpLog log = new OpLog(10);
        log.append(entry(1, "op-1", edit("same"), "alice"));

        assertNull(log.duplicateOf("bob", "op-1", edit("same")));
        assertEquals(1, log.duplicateOf("alice", "op-1", edit("same")).version());
    }

    @Test
    void anEmptyLogHasNoDuplicates() {
        assertNull(new OpLog(10).duplicateOf("u-1", "op-1", edit("a")));
    }

    // ---- replay bound ----

    @Test
    void aReplayFitsOnlyWithinBothTheMessageAndTheByteBound() {
        OpLog log = logOf(100, 10); // versions 1..10, applied texts "applied-N"
        long bytesAfterFive = 2L * "applied-6".length() * 4 + 2L * "applied-10".length();

        assertTrue(log.replayFits(5, 5, bytesAfterFive));
        assertFalse(log.replayFits(5, 4, bytesAfterFive), "five messages, room for four");
        assertFalse(log.replayFits(5, 5, bytesAfterFive - 1), "one byte short");
        assertTrue(log.replayFits(10, 0, 0), "nothing missed fits anything");
    }

    // ---- covers ----

    @Test
    void sinceEqualToTheCurrentVersionIsAlwaysCovered() {
        assertTrue(new OpLog(10).covers(0, 0));
        assertTrue(new OpLog(10).covers(42, 42));
        assertTrue(logOf(2, 9).covers(9, 9));
    }

    @Test
    void sinceWithinTheWindowIsCoveredUpToTheOldestEntry() {
        OpLog log = logOf(3, 10); // holds 8, 9, 10

        assertTrue(log.covers(9, 10));
        assertTrue(log.covers(8, 10));
        assertTrue(log.covers(7, 10), "7 is covered: every op after it (8, 9, 10) is held");
    }

    @Test
    void sinceOlderThanTheWindowIsNotCovered() {
        OpLog log = logOf(3, 10); // holds 8, 9, 10

        assertFalse(log.covers(6, 10));
        assertFalse(log.covers(0, 10));
    }

    @Test
    void sinceNewerThanTheCurrentVersionIsNotCovered() {
        OpLog log = logOf(3, 10);

        assertFalse(log.covers(11, 10));
        assertFalse(new OpLog(10).covers(1, 0));
    }

    @Test
    void aNegativeSinceIsNotCovered() {
        assertFalse(logOf(10, 3).covers(-1, 3));
        assertFalse(new OpLog(10).covers(-1, 0));
        assertFalse(new OpLog(10).covers(-1, -1));
    }

    @Test
    void anEmptyLogCoversOnlyTheCurrentVersion() {
        OpLog log = new OpLog(10); // e.g. a sheet restored at version 5 from a snapshot

        assertTrue(log.covers(5, 5));
        assertFalse(log.covers(4, 5));
        assertFalse(log.covers(0, 5));
    }

    @Test
    void aFreshSheetsLogCoversSinceZero() {
        OpLog log = logOf(10, 3);

        assertTrue(log.covers(0, 3));
        assertTrue(log.covers(2, 3));
    }

    // ---- after ----

    @Test
    void afterListsTheEntriesNewerThanSinceInVersionOrder() {
        OpLog log = logOf(10, 5);

        assertEquals(List.of(3L, 4L, 5L), versions(log.after(2)));
        assertEquals(List.of(5L), versions(log.after(4)));
        assertEquals(List.of(), log.after(5));
        assertEquals(List.of(), log.after(99));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), versions(log.after(-1)));
    }

    @Test
    void afterReturnsTheEntriesAsAppended() {
        OpLog log = new OpLog(10);
        OpLog.Entry first = entry(1, "a", edit("x"));
        OpLog.Entry second = entry(2, "b", new Op.DeleteColumn("c1"));
        log.append(first);
        log.append(second);

        assertEquals(List.of(first, second), log.after(0));
        assertEquals("applied-2", log.after(1).get(0).appliedText());
    }

    @Test
    void afterAndCoversAgreeWhenServingAResume() {
        OpLog log = logOf(4, 20); // holds 17..20
        for (long since = 16; since <= 20; since++) {
            assertTrue(log.covers(since, 20), "since " + since);
            List<Long> missed = versions(log.after(since));
            for (int i = 0; i < missed.size(); i++) {
                assertEquals(since + 1 + i, missed.get(i), "since " + since);
            }
            assertEquals(20 - since, missed.size());
        }
    }

    // ---- helpers ----

    private static OpLog logOf(int window, int ops) {
        OpLog log = new OpLog(window);
        for (int v = 1; v <= ops; v++) {
            log.append(entry(v, "op-" + v, edit("v" + v)));
        }
        return log;
    }

    private static OpLog.Entry entry(long version, String opId, Op request) {
        return entry(version, opId, request, "u-1");
    }

    private static OpLog.Entry entry(long version, String opId, Op request, String by) {
        return new OpLog.Entry(version, by, opId, request, "applied-" + version);
    }

    private static Op edit(String value) {
        return new Op.Edit("r1", "c1", value, null);
    }

    private static List<Long> versions(List<OpLog.Entry> entries) {
        return entries.stream().map(OpLog.Entry::version).toList();
    }
}
