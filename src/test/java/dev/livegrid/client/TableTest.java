package dev.livegrid.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Ops applied to a table exactly as livegrid.js applies them, odd ones included. */
class TableTest {

    private static final Table EMPTY = new Table("s", "inc", 0, List.of(), List.of());

    private static Table twoByTwo() {
        return EMPTY.apply(new Op.AddColumn("c1", "One", null), 1)
                .apply(new Op.AddColumn("c2", "Two", "c1"), 2)
                .apply(new Op.InsertRow("r3", null, Map.of("c1", "a")), 3)
                .apply(new Op.InsertRow("r4", "r3", Map.of("c2", "b")), 4);
    }

    @Test
    void opsBuildTheTableInTheirOrder() {
        Table table = twoByTwo();

        assertEquals(4, table.version());
        assertEquals(List.of("c1", "c2"), table.columnIds());
        assertEquals(List.of("r3", "r4"), table.rowIds());
        assertEquals(new Table.Cell("a", 3), table.cell("r3", "c1").orElseThrow());
        assertEquals("b", table.value("r4", "c2"));
        assertEquals(0, table.versionOf("r3", "c2"));
    }

    @Test
    void afterNullIsTheStartAndAnUnknownAfterIsTheEnd() {
        Table table = twoByTwo().apply(new Op.InsertRow("r5", null, Map.of()), 5)
                .apply(new Op.InsertRow("r6", "gone", Map.of()), 6)
                .apply(new Op.AddColumn("c7", "Seven", null), 7);

        assertEquals(List.of("r5", "r3", "r4", "r6"), table.rowIds());
        assertEquals(List.of("c7", "c1", "c2"), table.columnIds());
    }

    @Test
    void editsRenamesAndDeletes() {
        Table table = twoByTwo().apply(new Op.Edit("r3", "c1", null), 5)
                .apply(new Op.RenameColumn("c2", "Deux"), 6)
                .apply(new Op.DeleteColumn("c1"), 7)
                .apply(new Op.DeleteRow("r4"), 8);

        assertEquals(List.of(new Table.Column("c2", "Deux")), table.columns());
        assertEquals(List.of(new Table.Row("r3", Map.of())), table.rows()); // the emptied cell went with its column
        assertEquals(8, table.version());
    }

    @Test
    void anEmptiedCellKeepsItsVersion() {
        Table table = twoByTwo().apply(new Op.Edit("r3", "c1", null), 5);

        assertEquals(new Table.Cell(null, 5), table.cell("r3", "c1").orElseThrow());
        assertNull(table.value("r3", "c1"));
    }

    @Test
    void opsOnRowsOrColumnsThisTableLacksChangeOnlyTheVersion() {
        Table before = twoByTwo();
        List<Op> odd = List.of(new Op.Edit("r9", "c1", "x"), new Op.Edit("r3", "c9", "x"),
                new Op.InsertRow("r3", null, Map.of()), new Op.AddColumn("c1", "again", null),
                new Op.DeleteColumn("c9"), new Op.DeleteRow("r9"), new Op.RenameColumn("c9", "x"), new Op.Unknown("moveRow"));

        for (Op op : odd) {
            Table after = before.apply(op, 5);
            assertEquals(new Table(before.sheet(), before.incarnation(), 5, before.columns(), before.rows()), after, op.toString());
        }
    }

    @Test
    void cellsOfUnknownColumnsInAnInsertedRowAreLeftOut() {
        Table table = twoByTwo().apply(new Op.InsertRow("r5", null, Map.of("c1", "kept", "c9", "dropped")), 5);

        assertEquals(Map.of("c1", new Table.Cell("kept", 5)), table.row("r5").orElseThrow().cells());
    }

    @Test
    void aTableIsAValue() {
        assertEquals(twoByTwo(), twoByTwo());
        assertThrows(UnsupportedOperationException.class, () -> twoByTwo().rows().clear());
        assertThrows(UnsupportedOperationException.class, () -> twoByTwo().rows().get(0).cells().clear());
    }
}
