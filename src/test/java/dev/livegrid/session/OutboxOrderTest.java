package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random runs of one outbox against {@link OutboxTest.FakeSession}: edits of a few cells,
 * other ops (re-encodable or not), presence and plain texts, offered while the reader reads fast,
 * slowly or not at all. After every delivery the reader is checked the way livegrid.js checks it.
 */
class OutboxOrderTest {

    private static final int RUNS = 400;
    private static final int STEPS = 400;
    private static final String[] CELLS = {"A", "B", "C"};

    private int runsMergedWithoutOverflow;
    private int runsWhereAMergeLoweredTheResumePoint;

    @Test
    void everyReaderSeesIncreasingVersionsWithEveryHoleExplainedAndLosesNothingOnResume() {
        for (long seed = 1; seed <= RUNS; seed++) {
            try {
                run(seed);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
        assertTrue(runsMergedWithoutOverflow > 10, "runs with merges and no overflow: " + runsMergedWithoutOverflow);
        assertTrue(runsWhereAMergeLoweredTheResumePoint > 10,
                "overflows whose resume point a merge lowered: " + runsWhereAMergeLoweredTheResumePoint);
    }

    private void run(long seed) {
        Random random = new Random(seed);
        OutboxTest.FakeSession session = new OutboxTest.FakeSession();
        List<Long> resumes = new ArrayList<>();
        int maxItems = 4 + random.nextInt(40);
        long maxBytes = random.nextBoolean() ? 1_000_000 : 400 + random.nextInt(2000);
        Outbox outbox = new Outbox(session, maxItems, maxBytes, v -> {
            resumes.add(v);
            return new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow; resume with since=" + v);
        });
        double readRate = 0.1 + 0.8 * random.nextDouble();
        Table writer = new Table();
        Reader reader = new Reader();

        outbox.offer(Outgoing.Update.of("0:welcome", 0));
        long version = 0;
        int stalledUntil = 0;
        for (int step = 0; step < STEPS && resumes.isEmpty(); step++) {
            if (step >= stalledUntil && random.nextInt(60) == 0) {
                stalledUntil = step + random.nextInt(80);
            }
            if (step >= stalledUntil && random.nextDouble() < readRate) {
                session.remote.completeNext();
            } else {
                int kind = random.nextInt(100);
                if (kind < 75) {
                    version++;
                }
                Outgoing item = kind < 50 ? edit(version, CELLS[random.nextInt(CELLS.length)], writer)
                        : kind < 65 ? otherOp(version, writer)
                        : kind < 75 ? ack(version, writer)
                        : kind < 90 ? new Outgoing.Shared("presence " + step)
                        : new Outgoing.Text("text " + step);
                outbox.offer(item);
            }
            reader.read(session.remote.sent());
        }

        if (resumes.isEmpty()) {
            while (session.remote.completeNext()) {
                reader.read(session.remote.sent());
            }
            assertEquals(writer, reader.table, "without an overflow the reader ends with the writer's table");
            if (reader.sawSkipped) {
                runsMergedWithoutOverflow++;
            }
            return;
        }
        assertEquals(1, resumes.size());
        long resume = resumes.get(0);
        for (long v : writer.versions.keySet()) {
            if (reader.lacks(v, writer)) {
                assertTrue(resume < v, "resume point " + resume + " is not below version " + v + ", which the reader lacks");
            }
        }
        Table resumed = reader.table.copy();
        writer.versions.tailMap(resume, false).forEach((v, what) -> resumed.applyIfNewer(v, what));
        assertEquals(writer, resumed, "resuming from since=" + resume + " loses nothing");
        if (resume < reader.lastDelivered) {
            runsWhereAMergeLoweredTheResumePoint++;
        }
    }

    private static Outgoing.Update edit(long version, String cell, Table writer) {
        writer.applyIfNewer(version, cell);
        return Outgoing.Update.applied(version + ":" + cell, version, cell, s -> version + ":" + cell + " skipped " + s);
    }

    private static Outgoing.Update otherOp(long version, Table writer) {
        writer.applyIfNewer(version, "op");
        return Outgoing.Update.applied(version + ":op", version, null, s -> version + ":op skipped " + s);
    }

    private static Outgoing.Update ack(long version, Table writer) {
        writer.applyIfNewer(version, "ack");
        return Outgoing.Update.of(version + ":ack", version);
    }

    /** A sheet reduced to what these runs change: the version of each cell's last edit, and every other op. */
    private static final class Table {
        final TreeMap<Long, String> versions = new TreeMap<>();
        final Map<String, Long> cells = new HashMap<>();
        final Set<Long> ops = new HashSet<>();
        long version;

        /** Applies {@code what} (a cell's edit, or another op) at {@code v}, ignored if not newer, like a client. */
        void applyIfNewer(long v, String what) {
            if (v <= version) {
                return;
            }
            version = v;
            versions.put(v, what);
            if (what.equals("op") || what.equals("ack")) {
                ops.add(v);
            } else {
                cells.put(what, v);
            }
        }

        boolean isEdit(long v) {
            String what = versions.get(v);
            return !what.equals("op") && !what.equals("ack");
        }

        Table copy() {
            Table copy = new Table();
            copy.versions.putAll(versions);
            copy.cells.putAll(cells);
            copy.ops.addAll(ops);
            copy.version = version;
            return copy;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Table t && cells.equals(t.cells) && ops.equals(t.ops);
        }

        @Override
        public int hashCode() {
            return cells.hashCode() * 31 + ops.hashCode();
        }

        @Override
        public String toString() {
            return "cells " + new TreeMap<>(cells) + ", ops " + ops.size() + " up to v" + version;
        }
    }

    /** What the reader builds from delivered texts, checking each as livegrid.js's sequenceOf would. */
    private static final class Reader {
        final Table table = new Table();
        final Set<Long> delivered = new HashSet<>();
        long lastDelivered = -1;
        boolean sawSkipped;
        private int seen;

        void read(List<String> sent) {
            for (; seen < sent.size(); seen++) {
                ReaderSequence.Message m = ReaderSequence.parse(sent.get(seen));
                if (m == null) {
                    continue;
                }
                assertTrue(m.version() > lastDelivered,
                        "version " + m.version() + " delivered after " + lastDelivered + ": " + sent);
                if (lastDelivered >= 0) {
                    assertNotEquals(ReaderSequence.GAP, ReaderSequence.sequenceOf(lastDelivered, m),
                            "a hole before " + m + " that skipped does not explain: " + sent);
                    table.applyIfNewer(m.version(), m.what());
                }
                sawSkipped |= !m.skipped().isEmpty();
                delivered.add(m.version());
                lastDelivered = m.version();
            }
        }

        /** Whether the change of version {@code v} is missing here: not delivered, nor overwritten by a later delivered edit of its cell. */
        boolean lacks(long v, Table writer) {
            if (delivered.contains(v)) {
                return false;
            }
            if (!writer.isEdit(v)) {
                return true;
            }
            Long cellVersion = table.cells.get(writer.versions.get(v));
            return cellVersion == null || cellVersion < v;
        }
    }
}
