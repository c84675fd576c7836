package dev.livegrid.sheet;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches on the sheet model: one version for all their ops, references to what they create, every
 * conflict named, conditional deletes, limits, and all-or-nothing however they fail.
 */
class SheetBatchTest {

    private final Sheet sheet = new Sheet("t", Limits.DEFAULT);

    /** Two columns (c1 "name", c2 "age") and three rows r3..r5, all at version 5. */
    private void threeByTwo() {
        applied(new Op.AddColumn(null, "name", null));
        applied(new Op.AddColumn(null, "age", "c1"));
        String after = null;
        for (int i = 0; i < 3; i++) {
            after = ((Op.InsertRow) applied(new Op.InsertRow(null, after, Map.of("c1", "n" + i))).op()).row();
        }
    }

    @Test
    void aBatchOfEditsIsAppliedAtOneVersionAndEveryCellItWritesGetsIt() {
        threeByTwo();

        Outcome.Applied a = applied(new Op.Batch(List.of(
                new Op.Edit("r3", "c1", "x", 3L), new Op.Edit("r4", "c2", "y", 0L), new Op.Edit("r5", "c1", null, null))));

        assertEquals(6, a.version());
        assertEquals(6, sheet.version());
        assertEquals(new Op.Batch(List.of(new Op.Edit("r3", "c1", "x", null), new Op.Edit("r4", "c2", "y", null),
                new Op.Edit("r5", "c1", null, null))), a.op());
        assertEquals(new Cell("x", 6), cell("r3", "c1"));
        assertEquals(new Cell("y", 6), cell("r4", "c2"));
        assertEquals(new Cell(null, 6), cell("r5", "c1"));
        assertSizeConsistent();
    }

    @Test
    void everyStaleBaseIsNamedWithItsCurrentValueAndNothingIsApplied() {
        threeByTwo();
        applied(new Op.Edit("r4", "c1", "theirs", null)); // v6
        applied(new Op.Edit("r5", "c2", "also theirs", null)); // v7
        Snapshot before = sheet.snapshot();

        Rejection r = rejected(new Op.Batch(List.of(
                new Op.Edit("r3", "c1", "a", 3L), new Op.Edit("r4", "c1", "b", 4L),
                new Op.Edit("r5", "c2", "c", 0L), new Op.Edit("r3", "c2", "d", 0L))));

        assertEquals(Reason.CONFLICT, r.reason());
        assertEquals(List.of(new Rejection.CurrentCell("r4", "c1", "theirs", 6),
                new Rejection.CurrentCell("r5", "c2", "also theirs", 7)), r.conflicts());
        assertEquals(r.conflicts().get(0), r.current());
        assertEquals(before, sheet.snapshot());
        assertSizeConsistent();
    }

    @Test
    void referencesNameWhatEarlierOpsOfTheBatchCreateAndIdsCarryTheOpsIndex() {
        threeByTwo();

        Outcome.Applied a = applied(new Op.Batch(List.of(
                new Op.AddColumn(null, "email", "c2"),
                new Op.Edit("r3", "$0", "a@x", 0L),
                new Op.InsertRow(null, "r5", Map.of("c1", "new", "$0", "n@x")),
                new Op.InsertRow(null, "$2", Map.of()),
                new Op.RenameColumn("$0", "mail"))));

        assertEquals(6, a.version());
        assertEquals(new Op.Batch(List.of(
                new Op.AddColumn("c6-0", "email", "c2"),
                new Op.Edit("r3", "c6-0", "a@x", null),
                new Op.InsertRow("r6-2", "r5", Map.of("c1", "new", "c6-0", "n@x")),
                new Op.InsertRow("r6-3", "r6-2", Map.of()),
                new Op.RenameColumn("c6-0", "mail"))), a.op());
        Snapshot s = sheet.snapshot();
        assertEquals(List.of(new Column("c1", "name"), new Column("c2", "age"), new Column("c6-0", "mail")), s.columns());
        assertEquals(List.of("r3", "r4", "r5", "r6-2", "r6-3"), s.rows().stream().map(Row::id).toList());
        assertEquals(new Cell("n@x", 6), cell("r6-2", "c6-0"));
        assertTrue(Ids.isValid("r9223372036854775807-99999"), "the longest batch id is still an id");
        assertSizeConsistent();
    }

    @Test
    void aFailureHalfwayUndoesEverythingTheBatchDidSoFar() {
        threeByTwo();
        applied(new Op.Edit("r4", "c2", "17", null));
        Snapshot before = sheet.snapshot();
        long sizeBefore = sheet.size();

        Rejection r = rejected(new Op.Batch(List.of(
                new Op.Edit("r3", "c1", "changed", null),
                new Op.InsertRow(null, null, Map.of("c2", "top")),
                new Op.DeleteRow("r4"),
                new Op.AddColumn(null, "extra", null),
                new Op.RenameColumn("c1", "renamed"),
                new Op.DeleteColumn("c2"),
                new Op.Edit("r5", "$3", "in the new column", null),
                new Op.Edit("r9", "c1", "no such row", null))));

        assertEquals(Reason.NO_SUCH_ROW, r.reason());
        assertEquals("ops[7]: no row r9", r.message());
        assertEquals(before, sheet.snapshot());
        assertEquals(sizeBefore, sheet.size());
        assertEquals(7, applied(new Op.Edit("r4", "c2", "18", 6L)).version(), "the cells kept their versions");
    }

    @Test
    void aBatchWritesEachCellOnce() {
        threeByTwo();

        assertEquals(Reason.INVALID, rejected(new Op.Batch(List.of(
                new Op.Edit("r3", "c1", "a", null), new Op.Edit("r3", "c1", "b", null)))).reason());
        Rejection intoNewRow = rejected(new Op.Batch(List.of(
                new Op.InsertRow(null, null, Map.of("c1", "a")), new Op.Edit("$0", "c1", "b", null))));
        assertEquals("ops[1]: cell r6-0/c1 is written twice in one batch", intoNewRow.message());
        assertEquals(5, sheet.version());
    }

    @Test
    void aReferenceMustNameARowOrColumnAnEarlierOpCreated() {
        threeByTwo();

        assertEquals("ops[0]: \"$1\" names no column created by an earlier op of this batch", rejected(new Op.Batch(List.of(
                new Op.Edit("r3", "$1", "a", null), new Op.AddColumn(null, "x", null)))).message());
        assertEquals("ops[1]: \"$0\" names no row created by an earlier op of this batch", rejected(new Op.Batch(List.of(
                new Op.AddColumn(null, "x", null), new Op.DeleteRow("$0")))).message());
        assertEquals(Reason.INVALID, rejected(new Op.Batch(List.of(new Op.DeleteRow("$x")))).reason());
        assertEquals(Reason.INVALID, rejected(new Op.Batch(List.of(new Op.DeleteRow("$-1")))).reason());
        assertEquals(Reason.INVALID, rejected(new Op.Batch(List.of())).reason());
        assertEquals(Reason.INVALID, rejected(new Op.Batch(List.of(new Op.Batch(List.of(new Op.DeleteRow("r3")))))).reason());
        assertEquals(5, sheet.version());
    }

    @Test
    void aCellThatFailsTwoBasesIsNamedOnce() {
        threeByTwo();
        applied(new Op.Edit("r4", "c1", "theirs", null)); // v6

        Rejection r = rejected(new Op.Batch(List.of(new Op.Edit("r4", "c1", "mine", 4L), new Op.DeleteRow("r4", 4L))));

        assertEquals(List.of(new Rejection.CurrentCell("r4", "c1", "theirs", 6)), r.conflicts());
        assertEquals("cell r4/c1 changed at version 6", r.message());
    }

    @Test
    void aReferenceIsDollarAndDigitsOnly() {
        threeByTwo();
        for (String notAReference : List.of("$+0", "$-0", "$ 0", "$0x", "$", "$9999999999")) {
            Rejection r = rejected(new Op.Batch(List.of(new Op.InsertRow(null, null, Map.of()),
                    new Op.Edit(notAReference, "c1", "x", null))));
            assertEquals(Reason.INVALID, r.reason(), notAReference);
        }
        assertEquals(5, sheet.version());
    }

    @Test
    void aConditionalDeleteIsRefusedWhenACellOfItChangedAfterItsBase() {
        threeByTwo();
        applied(new Op.Edit("r4", "c2", "x", null)); // v6

        Rejection row = rejected(new Op.DeleteRow("r4", 5L));
        Rejection column = rejected(new Op.DeleteColumn("c2", 5L));

        assertEquals(List.of(new Rejection.CurrentCell("r4", "c2", "x", 6)), row.conflicts());
        assertEquals("row r4 changed after version 5 (1 cell)", row.message());
        assertEquals(List.of(new Rejection.CurrentCell("r4", "c2", "x", 6)), column.conflicts());
        applied(new Op.DeleteRow("r4", 6L));
        applied(new Op.DeleteColumn("c2", 6L));
        assertEquals(List.of(new Column("c1", "name")), sheet.snapshot().columns());
    }

    @Test
    void theUndoOfAPasteThatAddedRowsIsOneBatchAndIsRefusedOnceSomeoneWroteThere() {
        threeByTwo();
        Outcome.Applied paste = applied(new Op.Batch(List.of(
                new Op.Edit("r5", "c1", "p1", 5L), new Op.InsertRow(null, "r5", Map.of("c1", "p2")))));
        String added = ((Op.InsertRow) ((Op.Batch) paste.op()).ops().get(1)).row();
        Op undo = new Op.Batch(List.of(new Op.DeleteRow(added, paste.version()),
                new Op.Edit("r5", "c1", "n2", paste.version())));
        applied(new Op.Edit(added, "c2", "someone's", null));

        Rejection refused = rejected(undo);

        assertEquals(List.of(new Rejection.CurrentCell(added, "c2", "someone's", 7)), refused.conflicts());
        assertEquals(new Cell("someone's", 7), cell(added, "c2"));
    }

    @Test
    void aBatchIsBoundedByTheSheetsLimitsCountedAcrossItsOps() {
        Sheet small = new Sheet("s", new Limits(3, 2, 10, Long.MAX_VALUE, 1_000));
        small.apply(new Op.AddColumn(null, "a", null));
        List<Op> fourRows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fourRows.add(new Op.InsertRow(null, null, Map.of()));
        }

        Rejection rows = ((Outcome.Rejected) small.apply(new Op.Batch(fourRows))).rejection();

        assertEquals(Reason.TOO_LARGE, rows.reason());
        assertEquals("ops[3]: the sheet already has 3 rows", rows.message());
        assertEquals(0, small.rowCount());

        // OpSize: the batch 48 bytes, an edit or a rename 48 and its text: 6 edits of 10 characters are 396 in all
        Sheet bounded = new Sheet("b", new Limits(3, 2, 10, Long.MAX_VALUE, 500));
        bounded.apply(new Op.Batch(List.of(new Op.AddColumn(null, "a", null), new Op.AddColumn(null, "b", "$0"),
                new Op.InsertRow(null, null, Map.of()), new Op.InsertRow(null, "$2", Map.of()), new Op.InsertRow(null, "$3", Map.of()))));
        List<Op> edits = new ArrayList<>();
        for (Row row : bounded.snapshot().rows()) {
            for (Column column : bounded.snapshot().columns()) {
                edits.add(new Op.Edit(row.id(), column.id(), "0123456789", null));
            }
        }
        List<Op> more = new ArrayList<>(edits);
        for (int i = 0; i < 3; i++) {
            more.add(new Op.RenameColumn("c1-0", "0123456789"));
        }

        Rejection tooLarge = ((Outcome.Rejected) bounded.apply(new Op.Batch(more))).rejection();

        assertEquals(Reason.TOO_LARGE, tooLarge.reason());
        assertEquals("the batch is about 570 bytes as applied; an op may be at most 500 (half of outbox-limit), so split it",
                tooLarge.message());
        assertInstanceOf(Outcome.Applied.class, bounded.apply(new Op.Batch(edits)));
    }

    @Test
    void randomBatchesEitherApplyWholeAtOneVersionOrChangeNothing() {
        long seed = Long.getLong("livegrid.batch.seed", System.nanoTime());
        Random random = new Random(seed);
        Limits limits = new Limits(40, 8, 20, 20_000, 4_000);
        Sheet s = new Sheet("r", limits);
        for (int step = 0; step < 2_000; step++) {
            Snapshot before = s.snapshot();
            Op.Batch batch = randomBatch(random, before);
            Outcome outcome = s.apply(batch);
            String where = "seed " + seed + " (-Dlivegrid.batch.seed), step " + step + ": " + batch;
            assertEquals(SheetSize.of(s.snapshot()), s.size(), where);
            // the same ops one by one, references replaced by what each created, on a copy
            Sheet oneByOne = Sheet.of(before, limits);
            boolean allApplied = applyOneByOne(oneByOne, batch);
            if (outcome instanceof Outcome.Rejected rejected) {
                assertEquals(before, s.snapshot(), where);
                assertTrue(!allApplied || rejected.rejection().message().startsWith("the batch is about"),
                        where + " was refused (" + rejected.rejection() + ") but each of its ops applies");
            } else {
                Outcome.Applied a = (Outcome.Applied) outcome;
                assertEquals(before.version() + 1, a.version(), where);
                assertTrue(allApplied, where + " applied, but one of its ops alone is refused");
                assertEquals(shape(oneByOne.snapshot()), shape(s.snapshot()), where);
                for (Row row : s.snapshot().rows()) {
                    row.cells().values().forEach(cell -> assertTrue(cell.version() <= a.version(), where));
                }
            }
        }
    }

    /** Applies a batch's ops as separate ops; false at the first refused. */
    private static boolean applyOneByOne(Sheet sheet, Op.Batch batch) {
        Map<String, String> created = new java.util.HashMap<>();
        java.util.Set<String> written = new java.util.HashSet<>(); // a batch writes a cell once: twice is invalid
        for (int k = 0; k < batch.ops().size(); k++) {
            Op op = batch.ops().get(k);
            java.util.function.UnaryOperator<String> id = name -> name != null && name.startsWith("$")
                    ? created.getOrDefault(name, "unresolved") : name;
            Op resolved;
            if (op instanceof Op.Edit e) {
                resolved = new Op.Edit(id.apply(e.row()), id.apply(e.col()), e.value(), e.base());
            } else if (op instanceof Op.InsertRow r) {
                Map<String, String> cells = new LinkedHashMap<>();
                r.cells().forEach((col, value) -> cells.put(id.apply(col), value));
                resolved = new Op.InsertRow(null, id.apply(r.after()), cells);
            } else if (op instanceof Op.DeleteRow d) {
                resolved = new Op.DeleteRow(id.apply(d.row()), d.base());
            } else if (op instanceof Op.AddColumn a) {
                resolved = new Op.AddColumn(null, a.name(), id.apply(a.after()));
            } else if (op instanceof Op.RenameColumn r) {
                resolved = new Op.RenameColumn(id.apply(r.col()), r.name());
            } else {
                Op.DeleteColumn d = (Op.DeleteColumn) op;
                resolved = new Op.DeleteColumn(id.apply(d.col()), d.base());
            }
            if (resolved instanceof Op.Edit e && !written.add(e.row() + "/" + e.col())) {
                return false;
            }
            if (!(sheet.apply(resolved) instanceof Outcome.Applied applied)) {
                return false;
            }
            if (applied.op() instanceof Op.InsertRow r) {
                r.cells().keySet().forEach(col -> written.add(r.row() + "/" + col));
            }
            if (applied.op() instanceof Op.InsertRow r) {
                created.put("$" + k, r.row());
            } else if (applied.op() instanceof Op.AddColumn c) {
                created.put("$" + k, c.col());
            }
        }
        return true;
    }

    /** A table's values and names, in order, without ids or versions. */
    private static List<List<String>> shape(Snapshot s) {
        List<List<String>> table = new ArrayList<>();
        table.add(s.columns().stream().map(Column::name).toList());
        for (Row row : s.rows()) {
            List<String> values = new ArrayList<>();
            for (Column c : s.columns()) {
                Cell cell = row.cells().get(c.id());
                values.add(cell == null ? "<unset>" : String.valueOf(cell.value()));
            }
            table.add(values);
        }
        return table;
    }

    private static Op.Batch randomBatch(Random random, Snapshot s) {
        List<String> rows = new ArrayList<>(s.rows().stream().map(Row::id).toList());
        List<String> cols = new ArrayList<>(s.columns().stream().map(Column::id).toList());
        List<Op> ops = new ArrayList<>();
        int n = 1 + random.nextInt(6);
        for (int k = 0; k < n; k++) {
            String row = pick(random, rows, "r999");
            String col = pick(random, cols, "c999");
            Long base = random.nextInt(3) == 0 ? (long) random.nextInt((int) s.version() + 2) : null;
            String value = random.nextInt(10) == 0 ? "x".repeat(25) : random.nextInt(5) == 0 ? null : "v" + random.nextInt(100);
            switch (random.nextInt(7)) {
                case 0, 1 -> ops.add(new Op.Edit(row, col, value, base));
                case 2 -> {
                    Map<String, String> cells = new LinkedHashMap<>();
                    if (random.nextBoolean()) {
                        cells.put(col, value);
                    }
                    ops.add(new Op.InsertRow(null, random.nextInt(4) == 0 ? null : row, cells));
                    rows.add("$" + k);
                }
                case 3 -> ops.add(new Op.DeleteRow(row, base));
                case 4 -> {
                    ops.add(new Op.AddColumn(null, random.nextInt(20) == 0 ? " " : "n" + k, random.nextBoolean() ? null : col));
                    cols.add("$" + k);
                }
                case 5 -> ops.add(new Op.RenameColumn(col, "m" + random.nextInt(9)));
                default -> ops.add(new Op.DeleteColumn(col, base));
            }
        }
        return new Op.Batch(ops);
    }

    private static String pick(Random random, List<String> ids, String missing) {
        return ids.isEmpty() || random.nextInt(25) == 0 ? missing : ids.get(random.nextInt(ids.size()));
    }

    private void assertSizeConsistent() {
        assertEquals(SheetSize.of(sheet.snapshot()), sheet.size());
    }

    private Outcome.Applied applied(Op op) {
        return assertInstanceOf(Outcome.Applied.class, sheet.apply(op));
    }

    private Rejection rejected(Op op) {
        return assertInstanceOf(Outcome.Rejected.class, sheet.apply(op)).rejection();
    }

    private Cell cell(String row, String col) {
        return sheet.snapshot().rows().stream().filter(r -> r.id().equals(row)).findFirst().orElseThrow().cells().get(col);
    }
}
