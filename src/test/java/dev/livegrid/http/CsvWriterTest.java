package dev.livegrid.http;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 4180 output of {@link CsvWriter}, without a server. */
class CsvWriterTest {

    @Test
    void plainFieldsAreSeparatedByCommasAndRecordsEndWithCrlf() {
        assertEquals("a,b,c\r\n1,2,3\r\n", new CsvWriter().record(List.of("a", "b", "c")).record(List.of("1", "2", "3"))
                .toString());
    }

    @Test
    void fieldsWithQuotesCommasOrLineBreaksAreQuotedWithQuotesDoubled() {
        String csv = new CsvWriter().record(List.of("say \"hi\"", "x,y", "two\nlines", "cr\rhere", "crlf\r\nend"))
                .toString();
        assertEquals("\"say \"\"hi\"\"\",\"x,y\",\"two\nlines\",\"cr\rhere\",\"crlf\r\nend\"\r\n", csv);
    }

    @Test
    void nullAndEmptyFieldsAreWrittenEmpty() {
        assertEquals("a,,\r\n", new CsvWriter().record(Arrays.asList("a", null, "")).toString());
    }

    @Test
    void aRecordOfOneEmptyFieldIsQuotedSoItIsNotABlankLine() {
        assertEquals("name\r\n\"\"\r\n\"\"\r\n", new CsvWriter().record(List.of("name")).record(List.of(""))
                .record(Arrays.asList((String) null)).toString());
    }

    @Test
    void nonAsciiAndSpacesAreKeptAsTheyAre() {
        assertEquals("小明, 日本語 ✓ 😀 ,' leading quote\r\n",
                new CsvWriter().record(List.of("小明", " 日本語 ✓ 😀 ", "' leading quote")).toString());
    }

    @Test
    void aQuoteInsideAFieldIsNotMistakenForItsEnd() {
        assertEquals("\"\"\"\"\r\n", new CsvWriter().record(List.of("\"")).toString());
    }

    @Test
    void forSpreadsheetsEveryFormulaStartGetsALeadingQuote() {
        assertEquals("'=1+1,'+1,'-1+1,'@SUM(1),'\tx,\"'\rx\"\r\n", CsvWriter.forSpreadsheets()
                .record(List.of("=1+1", "+1", "-1+1", "@SUM(1)", "\tx", "\rx")).toString());
    }

    @Test
    void forSpreadsheetsPlainNumbersAndOtherFieldsStayAsTheyAre() {
        assertEquals("-12,-0.5,0,42.25,a=b, =1,'=x,x\r\n", CsvWriter.forSpreadsheets()
                .record(List.of("-12", "-0.5", "0", "42.25", "a=b", " =1", "'=x", "x")).toString());
        assertEquals("'-1e5,'-.5,'-5.,'-,'+5\r\n", CsvWriter.forSpreadsheets()
                .record(List.of("-1e5", "-.5", "-5.", "-", "+5")).toString());
    }

    @Test
    void forSpreadsheetsANeutralisedFieldIsStillQuotedWhenItNeedsIt() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n",
                CsvWriter.forSpreadsheets().record(List.of("=HYPERLINK(\"http://x\",\"y\")")).toString());
    }

    @Test
    void aPlainWriterKeepsFormulasAsTheyAre() {
        assertEquals("=1+1,@SUM(1)\r\n", new CsvWriter().record(List.of("=1+1", "@SUM(1)")).toString());
    }
}
