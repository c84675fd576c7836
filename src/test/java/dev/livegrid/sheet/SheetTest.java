package dev.livegrid.sheet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sheet model without sockets: applying every op, versions, compare-and-set, deletes, ids, limits and snapshots. */
class SheetTest {

    private static final String ID_64 = "a".repeat(64);
    private static final String ID_65 = "a".repeat(65);

    private final Sheet sheet = new Sheet("t", Limits.DEFAULT);

    // ---- every op ----

    @Test
    void newSheetIsEmptyAtVersionZero() {
        Snapshot s = sheet.snapshot();
        assertEquals("t", s.sheet());
        assertEquals(0, s.version());
        assertEquals(List.of(), s.columns());
        assertEquals(List.of(), s.rows());
        assertEquals(0, sheet.rowCount());
    }

    @Test
    void editWritesTheValueAtTheNewVersionAndReturnsTheOpWithoutBase() {
        String col = addColumn(sheet, "name", null);
        String row = insertRow(sheet, null, Map.of());

        Outcome.Applied applied = applied(sheet, new Op.Edit(row, col, "Ming", 0L));

        assertEquals(3, applied.version());
        assertEquals(new Op.Edit(row, col, "Ming", null), applied.op());
        assertEquals(new Cell("Ming", 3), cell(sheet, row, col));
    }

    @Test
    void insertRowWithoutAfterGoesToTheStart() {
        String first = insertRow(sheet, null, Map.of());
        String second = insertRow(sheet, null, Map.of());

        assertEquals(List.of(second, first), rowIds(sheet));
    }

    @Test
    void insertRowAfterARowGoesRightAfterIt() {
        String a = insertRow(sheet, null, Map.of());
        String b = insertRow(sheet, a, Map.of());
        String c = insertRow(sheet, a, Map.of());
        String d = insertRow(sheet, b, Map.of());

        assertEquals(List.of(a, c, b, d), rowIds(sheet));
    }

    @Test
    void insertRowWritesItsCellsAtItsVersionAndReportsTheAssignedId() {
        String c1 = addColumn(sheet, "a", null);
        String c2 = addColumn(sheet, "b", c1);
        String before = insertRow(sheet, null, Map.of());
        Map<String, String> cells = new LinkedHashMap<>();
        cells.put(c1, "Hong");
        cells.put(c2, null);

        Outcome.Applied applied = applied(sheet, new Op.InsertRow(null, before, cells));

        assertEquals(4, applied.version());
        assertEquals(new Op.InsertRow("r4", before, cells), applied.op());
        Map<String, Cell> expected = new LinkedHashMap<>();
        expected.put(c1, new Cell("Hong", 4));
        expected.put(c2, new Cell(null, 4));
        assertEquals(expected, row(sheet, "r4").cells());
        assertEquals(List.of(before, "r4"), rowIds(sheet));
    }

    @Test
    void insertRowWithoutCellsLeavesEveryCellUnwritten() {
        addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, null);

        assertEquals(Map.of(), row(sheet, row).cells());
    }

    @Test
    void deleteRowRemovesTheRowAndItsCellsAndKeepsTheOthersInOrder() {
        String col = addColumn(sheet, "a", null);
        String a = insertRow(sheet, null, Map.of(col, "1"));
        String b = insertRow(sheet, a, Map.of(col, "2"));
        String c = insertRow(sheet, b, Map.of(col, "3"));

        Outcome.Applied applied = applied(sheet, new Op.DeleteRow(b));

        assertEquals(new Op.DeleteRow(b), applied.op());
        assertEquals(List.of(a, c), rowIds(sheet));
        assertEquals(2, sheet.rowCount());
        assertEquals(new Cell("3", 4), cell(sheet, c, col));
    }

    @Test
    void addColumnWithoutAfterGoesToTheStart() {
        String first = addColumn(sheet, "first", null);
        String second = addColumn(sheet, "second", null);

        assertEquals(List.of(new Column(second, "second"), new Column(first, "first")), sheet.snapshot().columns());
    }

    @Test
    void addColumnAfterAColumnGoesRightAfterItAndReportsTheAssignedId() {
        String a = addColumn(sheet, "a", null);
        String b = addColumn(sheet, "b", a);

        Outcome.Applied applied = applied(sheet, new Op.AddColumn(null, "c", a));

        assertEquals(new Op.AddColumn("c3", "c", a), applied.op());
        assertEquals(List.of(new Column(a, "a"), new Column("c3", "c"), new Column(b, "b")),
                sheet.snapshot().columns());
    }

    @Test
    void renameColumnChangesOnlyItsNameAndKeepsItsPlaceAndCells() {
        String a = addColumn(sheet, "a", null);
        String b = addColumn(sheet, "b", a);
        String row = insertRow(sheet, null, Map.of(a, "x", b, "y"));

        Outcome.Applied applied = applied(sheet, new Op.RenameColumn(a, "Age"));

        assertEquals(new Op.RenameColumn(a, "Age"), applied.op());
        assertEquals(List.of(new Column(a, "Age"), new Column(b, "b")), sheet.snapshot().columns());
        assertEquals(new Cell("x", 3), cell(sheet, row, a));
    }

    @Test
    void deleteColumnRemovesItsCellsFromEveryRow() {
        String a = addColumn(sheet, "a", null);
        String b = addColumn(sheet, "b", a);
        String r1 = insertRow(sheet, null, Map.of(a, "1", b, "2"));
        String r2 = insertRow(sheet, r1, Map.of(a, "3", b, "4"));

        Outcome.Applied applied = applied(sheet, new Op.DeleteColumn(a));

        assertEquals(new Op.DeleteColumn(a), applied.op());
        assertEquals(List.of(new Column(b, "b")), sheet.snapshot().columns());
        assertEquals(Map.of(b, new Cell("2", 3)), row(sheet, r1).cells());
        assertEquals(Map.of(b, new Cell("4", 4)), row(sheet, r2).cells());
    }

    @Test
    void aColumnAddedAfterADeleteStartsWithoutTheDeletedCells() {
        String a = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(a, "old"));
        applied(sheet, new Op.DeleteColumn(a));
        String again = addColumn(sheet, "a", null);

        assertFalse(a.equals(again));
        assertEquals(Map.of(), row(sheet, row).cells());
    }

    // ---- versions ----

    @Test
    void everyAppliedOpRaisesTheVersionByExactlyOne() {
        List<Long> versions = new ArrayList<>();
        String col = addColumn(sheet, "a", null);
        versions.add(sheet.version());
        String row = insertRow(sheet, null, Map.of());
        versions.add(sheet.version());
        for (Op op : List.of(new Op.Edit(row, col, "v", null), new Op.RenameColumn(col, "b"),
                new Op.DeleteRow(row), new Op.DeleteColumn(col))) {
            Outcome.Applied applied = applied(sheet, op);
            assertEquals(sheet.version(), applied.version());
            versions.add(applied.version());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), versions);
        assertEquals(6, sheet.snapshot().version());
    }

    @Test
    void rejectedOpsLeaveTheVersionAndTheWholeSheetUnchanged() {
        Sheet s = new Sheet("t", new Limits(2, 2, 5));
        String a = addColumn(s, "a", null);
        String b = addColumn(s, "b", a);
        String r1 = insertRow(s, null, Map.of(a, "x"));
        String r2 = insertRow(s, r1, Map.of(b, "y"));
        applied(s, new Op.Edit(r1, a, "z", null));
        Snapshot before = s.snapshot();

        List<Op> doomed = List.of(
                new Op.Edit(r1, a, "w", 1L),                       // conflict
                new Op.Edit("r99", a, "w", null),                  // no such row
                new Op.Edit(r1, "c99", "w", null),                 // no such column
                new Op.Edit(r1, a, "toolong", null),               // too large
                new Op.Edit("bad id", a, "w", null),               // invalid
                new Op.InsertRow(null, null, Map.of(a, "w")),      // too many rows
                new Op.InsertRow(null, "r99", Map.of()),
                new Op.DeleteRow("r99"),
                new Op.AddColumn(null, "c", null),                 // too many columns
                new Op.RenameColumn(a, " "),
                new Op.RenameColumn("c99", "n"),
                new Op.DeleteColumn("c99"));
        for (Op op : doomed) {
            rejected(s, op);
        }

        assertEquals(5, s.version());
        assertEquals(before, s.snapshot());
        assertEquals(List.of(r1, r2), rowIds(s));
    }

    // ---- last writer wins and compare-and-set ----

    @Test
    void withoutBaseTheLastWriterWinsInServerOrder() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "first"));

        applied(sheet, new Op.Edit(row, col, "second", null));
        applied(sheet, new Op.Edit(row, col, "third", null));

        assertEquals(new Cell("third", 4), cell(sheet, row, col));
    }

    @Test
    void editWithTheCellsCurrentVersionAsBaseApplies() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "first"));
        applied(sheet, new Op.Edit(row, col, "second", null));

        Outcome.Applied applied = applied(sheet, new Op.Edit(row, col, "third", 3L));

        assertEquals(4, applied.version());
        assertEquals(new Cell("third", 4), cell(sheet, row, col));
    }

    @Test
    void editWithAStaleBaseIsAConflictCarryingTheCurrentValueAndVersion() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "first"));
        applied(sheet, new Op.Edit(row, col, "winner", 2L));

        Rejection r = rejected(sheet, new Op.Edit(row, col, "loser", 2L));

        assertEquals(Reason.CONFLICT, r.reason());
        assertEquals(new Rejection.CurrentCell(row, col, "winner", 3), r.current());
        assertTrue(r.message().contains("3"), r.message());
        assertEquals(new Cell("winner", 3), cell(sheet, row, col));
    }

    @Test
    void baseZeroOnANeverWrittenCellApplies() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of());

        applied(sheet, new Op.Edit(row, col, "v", 0L));

        assertEquals(new Cell("v", 3), cell(sheet, row, col));
    }

    @Test
    void nonZeroBaseOnANeverWrittenCellConflictsWithAnEmptyCellAtVersionZero() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of());

        Rejection r = rejected(sheet, new Op.Edit(row, col, "v", 2L));

        assertEquals(Reason.CONFLICT, r.reason());
        assertEquals(new Rejection.CurrentCell(row, col, null, 0), r.current());
    }

    @Test
    void baseZeroOnACellThatWasWrittenThenEmptiedConflicts() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "x"));
        applied(sheet, new Op.Edit(row, col, null, null));

        Rejection r = rejected(sheet, new Op.Edit(row, col, "v", 0L));

        assertEquals(Reason.CONFLICT, r.reason());
        assertEquals(new Rejection.CurrentCell(row, col, null, 3), r.current());
    }

    @Test
    void onlyConflictsCarryACurrentCell() {
        String col = addColumn(sheet, "a", null);
        insertRow(sheet, null, Map.of());

        assertNull(rejected(sheet, new Op.Edit("r99", col, "v", null)).current());
        assertNull(rejected(sheet, new Op.DeleteColumn("c99")).current());
    }

    // ---- deletes against concurrent ops ----

    @Test
    void editOfADeletedRowIsNoSuchRow() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "x"));
        applied(sheet, new Op.DeleteRow(row));

        assertEquals(Reason.NO_SUCH_ROW, rejected(sheet, new Op.Edit(row, col, "v", null)).reason());
    }

    @Test
    void compareAndSetEditOfADeletedRowIsNoSuchRow() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "x"));
        applied(sheet, new Op.DeleteRow(row));

        assertEquals(Reason.NO_SUCH_ROW, rejected(sheet, new Op.Edit(row, col, "v", 2L)).reason());
    }

    @Test
    void editOfADeletedColumnIsNoSuchColumnWithOrWithoutBase() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "x"));
        applied(sheet, new Op.DeleteColumn(col));

        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.Edit(row, col, "v", null)).reason());
        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.Edit(row, col, "v", 2L)).reason());
    }

    @Test
    void insertRowAfterADeletedRowIsNoSuchRow() {
        String row = insertRow(sheet, null, Map.of());
        applied(sheet, new Op.DeleteRow(row));

        assertEquals(Reason.NO_SUCH_ROW, rejected(sheet, new Op.InsertRow(null, row, Map.of())).reason());
    }

    @Test
    void opsNamingADeletedColumnAreNoSuchColumn() {
        String keep = addColumn(sheet, "keep", null);
        String gone = addColumn(sheet, "gone", keep);
        applied(sheet, new Op.DeleteColumn(gone));

        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.InsertRow(null, null, Map.of(gone, "v"))).reason());
        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.AddColumn(null, "n", gone)).reason());
        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.RenameColumn(gone, "n")).reason());
        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.DeleteColumn(gone)).reason());
    }

    @Test
    void deletingADeletedRowIsNoSuchRow() {
        String row = insertRow(sheet, null, Map.of());
        applied(sheet, new Op.DeleteRow(row));

        assertEquals(Reason.NO_SUCH_ROW, rejected(sheet, new Op.DeleteRow(row)).reason());
    }

    // ---- ids ----

    static List<String> malformedIds() {
        return java.util.Arrays.asList(null, "", "a b", "r1;", "r/1", "é", "r1\n", ID_65);
    }

    @ParameterizedTest
    @MethodSource("malformedIds")
    void malformedRowAndColumnIdsAreInvalid(String bad) {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of());
        Map<String, String> badCells = new LinkedHashMap<>();
        badCells.put(bad, "v");

        for (Op op : List.of(new Op.Edit(bad, col, "v", null), new Op.Edit(row, bad, "v", null),
                new Op.InsertRow(null, bad == null ? "" : bad, Map.of()),
                new Op.InsertRow(null, null, badCells), new Op.DeleteRow(bad),
                new Op.AddColumn(null, "n", bad == null ? "" : bad), new Op.RenameColumn(bad, "n"),
                new Op.DeleteColumn(bad))) {
            assertEquals(Reason.INVALID, rejected(sheet, op).reason(), op::toString);
        }
    }

    @Test
    void compareAndSetEditNamingAMalformedOrUnknownRowIsRejectedNotThrown() {
        String col = addColumn(sheet, "a", null);
        insertRow(sheet, null, Map.of());

        assertEquals(Reason.INVALID, rejected(sheet, new Op.Edit("bad id", col, "v", 0L)).reason());
        assertEquals(Reason.INVALID, rejected(sheet, new Op.Edit(null, col, "v", 0L)).reason());
        assertEquals(Reason.NO_SUCH_ROW, rejected(sheet, new Op.Edit("r99", col, "v", 0L)).reason());
    }

    @Test
    void wellFormedButUnknownIdsOfSixtyFourCharactersAreNotFoundRatherThanInvalid() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of());

        assertEquals(Reason.NO_SUCH_ROW, rejected(sheet, new Op.Edit(ID_64, col, "v", null)).reason());
        assertEquals(Reason.NO_SUCH_COLUMN, rejected(sheet, new Op.Edit(row, ID_64, "v", null)).reason());
    }

    @Test
    void serverAssignedIdsAreTheLetterAndTheVersionOfTheCreatingOp() {
        String c = addColumn(sheet, "a", null);
        String r = insertRow(sheet, null, Map.of());
        applied(sheet, new Op.Edit(r, c, "v", null));
        String c4 = addColumn(sheet, "b", c);
        String r5 = insertRow(sheet, r, Map.of());

        assertEquals(List.of("c1", "r2", "c4", "r5"), List.of(c, r, c4, r5));
    }

    @Test
    void idsAreNeverReusedAfterADelete() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String row = insertRow(sheet, null, Map.of());
            String col = addColumn(sheet, "n", null);
            assertFalse(seen.contains(row), row);
            assertFalse(seen.contains(col), col);
            seen.add(row);
            seen.add(col);
            applied(sheet, new Op.DeleteRow(row));
            applied(sheet, new Op.DeleteColumn(col));
        }
        assertEquals(0, sheet.rowCount());
        assertEquals(List.of(), sheet.snapshot().columns());
    }

    @Test
    void idsAreNeverReusedAfterARestoreFromASnapshot() {
        String row = insertRow(sheet, null, Map.of());
        String col = addColumn(sheet, "n", null);
        applied(sheet, new Op.DeleteRow(row));
        applied(sheet, new Op.DeleteColumn(col));

        Sheet restored = Sheet.of(sheet.snapshot(), Limits.DEFAULT);

        assertEquals("r5", insertRow(restored, null, Map.of()));
        assertEquals("c6", addColumn(restored, "n", null));
    }

    // ---- limits ----

    @Test
    void aSheetAtMaxRowsRejectsAnotherRowAsTooLargeUntilOneIsDeleted() {
        Sheet s = new Sheet("t", new Limits(2, 5, 10));
        String r1 = insertRow(s, null, Map.of());
        insertRow(s, r1, Map.of());

        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.InsertRow(null, null, Map.of())).reason());
        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.InsertRow(null, r1, Map.of())).reason());

        applied(s, new Op.DeleteRow(r1));
        insertRow(s, null, Map.of());
        assertEquals(2, s.rowCount());
    }

    @Test
    void aSheetAtMaxColumnsRejectsAnotherColumnAsTooLargeUntilOneIsDeleted() {
        Sheet s = new Sheet("t", new Limits(5, 2, 10));
        String c1 = addColumn(s, "a", null);
        addColumn(s, "b", c1);

        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.AddColumn(null, "c", null)).reason());

        applied(s, new Op.DeleteColumn(c1));
        addColumn(s, "c", null);
        assertEquals(2, s.snapshot().columns().size());
    }

    @Test
    void aValueOverMaxValueLengthIsTooLargeAndOneAtTheLimitApplies() {
        Sheet s = new Sheet("t", new Limits(5, 5, 4));
        String col = addColumn(s, "a", null);
        String row = insertRow(s, null, Map.of(col, "1234"));

        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.Edit(row, col, "12345", null)).reason());
        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.InsertRow(null, null, Map.of(col, "12345"))).reason());
        applied(s, new Op.Edit(row, col, "abcd", null));
        assertEquals("abcd", cell(s, row, col).value());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "   ", "\t", "\n"})
    void aBlankColumnNameIsInvalid(String blank) {
        String col = addColumn(sheet, "a", null);

        assertEquals(Reason.INVALID, rejected(sheet, new Op.AddColumn(null, blank, null)).reason());
        assertEquals(Reason.INVALID, rejected(sheet, new Op.RenameColumn(col, blank)).reason());
    }

    @Test
    void aColumnNameOverTwoHundredCharactersIsTooLarge() {
        String col = addColumn(sheet, "x".repeat(Sheet.MAX_NAME_LENGTH), null);
        assertEquals(200, Sheet.MAX_NAME_LENGTH);

        String tooLong = "x".repeat(Sheet.MAX_NAME_LENGTH + 1);
        assertEquals(Reason.TOO_LARGE, rejected(sheet, new Op.AddColumn(null, tooLong, null)).reason());
        assertEquals(Reason.TOO_LARGE, rejected(sheet, new Op.RenameColumn(col, tooLong)).reason());
    }

    // ---- values ----

    @Test
    void aNullValueEmptiesTheCellButKeepsItWithItsVersion() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "x"));

        Outcome.Applied applied = applied(sheet, new Op.Edit(row, col, null, null));

        assertEquals(new Op.Edit(row, col, null, null), applied.op());
        assertTrue(row(sheet, row).cells().containsKey(col));
        assertEquals(new Cell(null, 3), cell(sheet, row, col));
    }

    // ---- the demo sheet ----

    @Test
    void demoIsTheSeedsTableAtVersionZero() {
        Snapshot demo = Sheets.demo();

        assertEquals(Sheets.DEMO, demo.sheet());
        assertEquals("demo", demo.sheet());
        assertEquals(0, demo.version());
        assertEquals(List.of(new Column("name", "名称"), new Column("age", "年龄"), new Column("gender", "性别"),
                new Column("hobby", "爱好"), new Column("skill", "技能")), demo.columns());
        assertEquals(3, demo.rows().size());
        assertEquals(List.of("小明", "18", "男", "跑步", "跳马"), values(demo.rows().get(0)));
        assertEquals(List.of("小花", "17", "女", "唱歌", "跳绳"), values(demo.rows().get(1)));
        assertEquals(List.of("小小", "16", "女"), values(demo.rows().get(2)));
        assertFalse(demo.rows().get(2).cells().containsKey("hobby"));
        assertFalse(demo.rows().get(2).cells().containsKey("skill"));
        for (Row row : demo.rows()) {
            assertTrue(Ids.isValid(row.id()), row.id());
            row.cells().values().forEach(c -> assertEquals(0, c.version()));
        }
        assertEquals(3, demo.rows().stream().map(Row::id).distinct().count());
    }

    @Test
    void demoCanBeEditedByColumnIdAndFoundByColumnName() {
        Sheet demo = Sheet.of(Sheets.demo(), Limits.DEFAULT);
        String first = demo.rowIdAt(0);

        applied(demo, new Op.Edit(first, "age", "19", 0L));

        assertEquals("age", demo.columnIdByIdOrName("年龄"));
        assertEquals(new Cell("19", 1), cell(demo, first, "age"));
    }

    // ---- snapshots ----

    @Test
    void sheetOfASnapshotGivesBackTheSameSnapshot() {
        assertEquals(Sheets.demo(), Sheet.of(Sheets.demo(), Limits.DEFAULT).snapshot());

        String col = addColumn(sheet, "a", null);
        String r1 = insertRow(sheet, null, Map.of(col, "x"));
        insertRow(sheet, r1, Map.of());
        applied(sheet, new Op.Edit(r1, col, null, null));
        Snapshot snapshot = sheet.snapshot();

        Sheet restored = Sheet.of(snapshot, Limits.DEFAULT);

        assertEquals(snapshot, restored.snapshot());
        assertEquals("t", restored.id());
        assertEquals(4, restored.version());
    }

    @Test
    void aRestoredSheetContinuesFromTheSnapshotsVersion() {
        Sheet restored = Sheet.of(Sheets.demo(), Limits.DEFAULT);

        Outcome.Applied applied = applied(restored, new Op.Edit("seed2", "hobby", "画画", 0L));

        assertEquals(1, applied.version());
        assertEquals(new Cell("画画", 1), cell(restored, "seed2", "hobby"));
        assertEquals(new Cell("唱歌", 0), Sheets.demo().rows().get(1).cells().get("hobby"), "the demo snapshot itself is untouched");
    }

    @Test
    void aSnapshotIsAnImmutableCopyThatLaterOpsDoNotChange() {
        String col = addColumn(sheet, "a", null);
        String row = insertRow(sheet, null, Map.of(col, "x"));
        Snapshot before = sheet.snapshot();

        applied(sheet, new Op.Edit(row, col, "y", null));
        applied(sheet, new Op.AddColumn(null, "b", null));
        insertRow(sheet, null, Map.of());

        assertEquals(2, before.version());
        assertEquals(List.of(new Column(col, "a")), before.columns());
        assertEquals(List.of(new Row(row, Map.of(col, new Cell("x", 2)))), before.rows());
        assertThrows(UnsupportedOperationException.class, () -> before.rows().get(0).cells().put(col, new Cell("z", 9)));
        assertThrows(UnsupportedOperationException.class, () -> before.columns().add(new Column("c9", "z")));
    }

    // ---- lookups ----

    @Test
    void rowIdAtIsZeroBasedInDisplayOrderAndNullOutsideTheRows() {
        Sheet demo = Sheet.of(Sheets.demo(), Limits.DEFAULT);
        String inserted = insertRow(demo, null, Map.of());

        assertEquals(inserted, demo.rowIdAt(0));
        assertEquals("seed1", demo.rowIdAt(1));
        assertEquals("seed3", demo.rowIdAt(3));
        assertNull(demo.rowIdAt(4));
        assertNull(demo.rowIdAt(-1));
        assertNull(sheet.rowIdAt(0));
    }

    @Test
    void columnIdByIdOrNameFindsByIdFirstThenByName() {
        Sheet demo = Sheet.of(Sheets.demo(), Limits.DEFAULT);
        String named = addColumn(demo, "age", null); // a column whose *name* is another column's id

        assertEquals("age", demo.columnIdByIdOrName("age"));
        assertEquals("gender", demo.columnIdByIdOrName("性别"));
        assertEquals("gender", demo.columnIdByIdOrName("gender"));
        assertEquals(named, demo.columnIdByIdOrName(named));
        assertNull(demo.columnIdByIdOrName("nope"));
        assertNull(demo.columnIdByIdOrName(""));
    }

    @Test
    void checkCellSaysWhetherRowAndColumnNameACell() {
        Sheet demo = Sheet.of(Sheets.demo(), Limits.DEFAULT);

        assertNull(demo.checkCell("seed1", "age"));
        assertEquals(Reason.NO_SUCH_ROW, demo.checkCell("seed9", "age").reason());
        assertEquals(Reason.NO_SUCH_COLUMN, demo.checkCell("seed1", "height").reason());
        assertEquals(Reason.INVALID, demo.checkCell("bad id", "age").reason());
    }

    // ---- helpers ----

    // ---- text (issue 9) ----

    @Test
    void aValueOrColumnNameWithALoneSurrogateIsInvalidWhateverTheTransport() {
        String col = addColumn(sheet, "name", null);
        String row = insertRow(sheet, null, Map.of());

        assertEquals(Reason.INVALID, rejected(sheet, new Op.Edit(row, col, "\ud800", null)).reason());
        assertEquals(Reason.INVALID, rejected(sheet, new Op.InsertRow(null, null, Map.of(col, "x\udc00"))).reason());
        assertEquals(Reason.INVALID, rejected(sheet, new Op.AddColumn(null, "\ud800", null)).reason());
        assertEquals(Reason.INVALID, rejected(sheet, new Op.RenameColumn(col, "a\udfffb")).reason());
        assertEquals(2, sheet.version(), "nothing was applied");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tab\there", "new\nline", "nul\u0000", "bell\u0007", "del\u007f", "c1\u0085"})
    void aColumnNameWithAControlCharacterIsInvalidAsAUserNameIs(String name) {
        assertEquals(Reason.INVALID, rejected(sheet, new Op.AddColumn(null, name, null)).reason());
        String col = addColumn(sheet, "ok", null);
        assertEquals(Reason.INVALID, rejected(sheet, new Op.RenameColumn(col, name)).reason());
    }

    @Test
    void aValueMayHoldControlCharactersLikeTabsAndNewlines() {
        String col = addColumn(sheet, "name", null);
        String row = insertRow(sheet, null, Map.of());

        applied(sheet, new Op.Edit(row, col, "a\tb\r\nc", null));
    }

    @Test
    void lengthsAreCountedInCodePointsSoAnEmojiIsOneCharacter() {
        Sheet s = new Sheet("t", new Limits(5, 5, 4));
        String col = addColumn(s, "x", null);
        String row = insertRow(s, null, Map.of());
        String fourEmoji = "\ud83d\ude00".repeat(4); // 8 UTF-16 units

        applied(s, new Op.Edit(row, col, fourEmoji, null));
        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.Edit(row, col, fourEmoji + "a", null)).reason());
        applied(s, new Op.AddColumn(null, "\ud83d\ude00".repeat(Sheet.MAX_NAME_LENGTH), null));
        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.AddColumn(null, "\ud83d\ude00".repeat(Sheet.MAX_NAME_LENGTH + 1), null)).reason());
    }

    // ---- size (issue 9) ----

    @Test
    void theSizeFollowsEveryChangeAndMatchesASnapshotsSize() {
        String a = addColumn(sheet, "alpha", null);
        String b = addColumn(sheet, "b\u00e9ta", a);
        String r1 = insertRow(sheet, null, Map.of(a, "one", b, "\u4e8c"));
        String r2 = insertRow(sheet, r1, Map.of(a, "x".repeat(100)));
        applied(sheet, new Op.Edit(r2, b, "\ud83d\ude00", null));
        applied(sheet, new Op.Edit(r1, a, null, null));
        applied(sheet, new Op.RenameColumn(a, "a"));
        assertEquals(SheetSize.of(sheet.snapshot()), sheet.size());

        applied(sheet, new Op.DeleteColumn(b));
        assertEquals(SheetSize.of(sheet.snapshot()), sheet.size());
        applied(sheet, new Op.DeleteRow(r2));
        assertEquals(SheetSize.of(sheet.snapshot()), sheet.size());
        assertEquals(SheetSize.of(Sheet.of(sheet.snapshot(), Limits.DEFAULT).snapshot()), Sheet.of(sheet.snapshot(), Limits.DEFAULT).size());
    }

    @Test
    void anOpThatWouldGrowTheSheetPastItsSizeLimitIsTooLargeAndShrinkingIsAlwaysAllowed() {
        Sheet s = new Sheet("t", new Limits(1000, 100, 10_000, 2_000));
        String col = addColumn(s, "x", null);
        String row = insertRow(s, null, Map.of(col, "y".repeat(1_000)));

        Rejection tooBig = rejected(s, new Op.InsertRow(null, null, Map.of(col, "z".repeat(1_000))));
        assertEquals(Reason.TOO_LARGE, tooBig.reason());
        assertTrue(tooBig.message().contains("max-sheet-size"), tooBig.message());
        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.Edit(row, col, "w".repeat(1_950), null)).reason());
        assertEquals(Reason.TOO_LARGE, rejected(s, new Op.AddColumn(null, "n".repeat(200) + "m".repeat(800), null)).reason());
        applied(s, new Op.Edit(row, col, "short", null));
        applied(s, new Op.Edit(row, col, "v".repeat(1_500), null));
    }

    @Test
    void aSheetBeyondTodaysLimitsStillLoadsAndOnlyNewOpsAreHeldToThem() {
        String col = addColumn(sheet, "x", null);
        insertRow(sheet, null, Map.of(col, "y".repeat(500)));
        insertRow(sheet, null, Map.of());

        Sheet lowered = Sheet.of(sheet.snapshot(), new Limits(1, 1, 10, 64 * 1024));
        assertEquals(sheet.snapshot(), lowered.snapshot());
        assertEquals(Reason.TOO_LARGE, rejected(lowered, new Op.InsertRow(null, null, Map.of())).reason());
        assertEquals(Reason.TOO_LARGE, rejected(lowered, new Op.AddColumn(null, "z", null)).reason());
        applied(lowered, new Op.DeleteRow(rowIds(lowered).get(0)));
    }

    private static Outcome.Applied applied(Sheet s, Op op) {
        long before = s.version();
        Outcome outcome = s.apply(op);
        Outcome.Applied applied = assertInstanceOf(Outcome.Applied.class, outcome, () -> op + " → " + outcome);
        assertEquals(before + 1, applied.version());
        assertEquals(applied.version(), s.version());
        return applied;
    }

    /** Applies an op that must be rejected and checks it changed nothing at all. */
    private static Rejection rejected(Sheet s, Op op) {
        Snapshot before = s.snapshot();
        Outcome outcome = s.apply(op);
        Outcome.Rejected rejected = assertInstanceOf(Outcome.Rejected.class, outcome, () -> op + " → " + outcome);
        assertNotNull(rejected.rejection().reason());
        assertNotNull(rejected.rejection().message());
        assertFalse(rejected.rejection().message().isBlank());
        assertEquals(before, s.snapshot(), () -> "rejected " + op + " changed the sheet");
        return rejected.rejection();
    }

    private static String addColumn(Sheet s, String name, String after) {
        return ((Op.AddColumn) applied(s, new Op.AddColumn(null, name, after)).op()).col();
    }

    private static String insertRow(Sheet s, String after, Map<String, String> cells) {
        return ((Op.InsertRow) applied(s, new Op.InsertRow(null, after, cells)).op()).row();
    }

    private static List<String> rowIds(Sheet s) {
        return s.snapshot().rows().stream().map(Row::id).toList();
    }

    private static Row row(Sheet s, String id) {
        return s.snapshot().rows().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + id));
    }

    private static Cell cell(Sheet s, String row, String col) {
        return row(s, row).cells().get(col);
    }

    private static List<String> values(Row row) {
        return row.cells().values().stream().map(Cell::value).toList();
    }
}
