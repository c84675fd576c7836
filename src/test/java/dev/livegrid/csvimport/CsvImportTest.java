package dev.livegrid.csvimport;

import dev.livegrid.sheet.Cell;
import dev.livegrid.sheet.Column;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Row;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV files as spreadsheets write them, turned into one batch and applied to an empty sheet. */
class CsvImportTest {

    @Test
    void theHeaderNamesTheColumnsAndEachRecordIsARowInOrder() throws Exception {
        Snapshot s = imported("name,age,city\r\nMing,18,Beijing\r\nHong,17,\r\n");

        assertEquals(List.of("name", "age", "city"), s.columns().stream().map(Column::name).toList());
        assertEquals(List.of(List.of("Ming", "18", "Beijing"), List.of("Hong", "17", "")), values(s));
        assertEquals(1, s.version(), "the whole file is one version");
        assertTrue(s.rows().get(1).cells().size() == 2, "an empty field leaves its cell unwritten");
    }

    @Test
    void quotedFieldsKeepCommasQuotesLineBreaksAndTextAsItIs() throws Exception {
        Snapshot s = imported("\uFEFF\"a, b\",\"say \"\"hi\"\"\"\n\"line 1\nline 2\",😀 小明\n\n=1+2,  spaced  \n");

        assertEquals(List.of("a, b", "say \"hi\""), s.columns().stream().map(Column::name).toList());
        assertEquals(List.of(List.of("line 1\nline 2", "😀 小明"), List.of("=1+2", "  spaced  ")), values(s),
                "the byte order mark and the empty line are skipped; values are text, formulas included");
    }

    @Test
    void aBlankHeaderFieldIsNamedByItsPlaceAndShortRecordsAreFilledWithNothing() throws Exception {
        CsvImport csv = CsvImport.of("id,, \nx\n1,2,3");
        Snapshot s = apply(csv);

        assertEquals(List.of("id", "Column 2", "Column 3"), s.columns().stream().map(Column::name).toList());
        assertEquals(List.of(List.of("x", "", ""), List.of("1", "2", "3")), values(s));
        assertEquals(3, csv.columns());
        assertEquals(2, csv.rows());
        assertEquals("header field 2", csv.origin(1));
        assertEquals("record 3", csv.origin(4), "op 4 is the second row: record 3 of the file");
    }

    @Test
    void aHeaderAloneMakesColumnsWithoutRows() throws Exception {
        Snapshot s = imported("a,b");
        assertEquals(2, s.columns().size());
        assertEquals(List.of(), s.rows());
    }

    @Test
    void whatIsNotAnImportableFileIsRefusedSayingWhy() {
        assertEquals("the file is empty: a CSV import needs a header row naming the columns",
                assertThrows(BadCsvException.class, () -> CsvImport.of("")).getMessage());
        assertEquals("the file is empty: a CSV import needs a header row naming the columns",
                assertThrows(BadCsvException.class, () -> CsvImport.of("\n\r\n")).getMessage());
        assertEquals("record 3 (the header being record 1) has 3 fields; the header has 2",
                assertThrows(BadCsvException.class, () -> CsvImport.of("a,b\n1,2\n1,2,3\n")).getMessage());
        String unclosed = assertThrows(BadCsvException.class, () -> CsvImport.of("a,b\n\"open,2\n")).getMessage();
        assertTrue(unclosed.startsWith("not valid CSV: (startline 2) EOF"), unclosed);
    }

    @Test
    void aFileOfThousandsOfRowsIsOneBatchTheSheetAppliesAtOnce() throws Exception {
        StringBuilder text = new StringBuilder("n,square\n");
        for (int i = 0; i < 5_000; i++) {
            text.append(i).append(',').append((long) i * i).append('\n');
        }
        Snapshot s = imported(text.toString());

        assertEquals(5_000, s.rows().size());
        assertEquals(1, s.version());
        assertEquals(new Cell("24990001", 1), s.rows().get(4_999).cells().get(s.columns().get(1).id()));
    }

    private static Snapshot imported(String text) throws BadCsvException {
        return apply(CsvImport.of(text));
    }

    private static Snapshot apply(CsvImport csv) {
        Sheet sheet = new Sheet("imported", new Limits(10_000, 100, 10_000, 64L << 20, 4L << 20));
        assertInstanceOf(Outcome.Applied.class, sheet.apply(csv.batch()));
        return sheet.snapshot();
    }

    /** The table's values row by row, "" for an unwritten cell. */
    private static List<List<String>> values(Snapshot s) {
        List<List<String>> table = new ArrayList<>();
        for (Row row : s.rows()) {
            List<String> values = new ArrayList<>();
            for (Column c : s.columns()) {
                Map<String, Cell> cells = row.cells();
                values.add(cells.containsKey(c.id()) ? cells.get(c.id()).value() : "");
            }
            table.add(values);
        }
        return table;
    }
}
