package dev.livegrid.csvimport;

import dev.livegrid.sheet.Op;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file as one batch: an {@code addColumn} per header field (a blank one is named
 * {@code Column N}), then an {@code insertRow} per record, each after the one before, with a cell for
 * every non-empty field. Columns and rows are referenced inside the batch ({@code $k}), so it needs an
 * empty sheet to mean "this file as a sheet"; whoever submits it checks that.
 * <p>
 * The format is RFC 4180 as spreadsheets write it: comma-separated, fields in double quotes may hold
 * commas, quotes (doubled) and line breaks, lines end in CRLF or LF, a UTF-8 byte order mark is
 * skipped, empty lines are skipped. A record may be shorter than the header (the rest is empty), not
 * longer.
 *
 * @param batch   the op
 * @param columns how many columns it adds
 * @param rows    how many rows it inserts
 */
public record CsvImport(Op.Batch batch, int columns, int rows) {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    /** Reads a whole CSV file. */
    public static CsvImport of(String text) throws BadCsvException {
        List<CSVRecord> records = records(text.startsWith("\uFEFF") ? text.substring(1) : text);
        if (records.isEmpty()) {
            throw new BadCsvException("the file is empty: a CSV import needs a header row naming the columns");
        }
        List<Op> ops = new ArrayList<>();
        CSVRecord header = records.get(0);
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            ops.add(new Op.AddColumn(null, name.isEmpty() ? "Column " + (i + 1) : name, i == 0 ? null : "$" + (i - 1)));
        }
        int columns = header.size();
        for (int r = 1; r < records.size(); r++) {
            CSVRecord record = records.get(r);
            if (record.size() > columns) {
                throw new BadCsvException("record " + (r + 1) + " (the header being record 1) has " + record.size()
                        + " fields; the header has " + columns);
            }
            Map<String, String> cells = new LinkedHashMap<>();
            for (int i = 0; i < record.size(); i++) {
                if (!record.get(i).isEmpty()) {
                    cells.put("$" + i, record.get(i));
                }
            }
            ops.add(new Op.InsertRow(null, r == 1 ? null : "$" + (ops.size() - 1), cells));
        }
        return new CsvImport(new Op.Batch(ops), columns, records.size() - 1);
    }

    /**
     * Where op {@code k} of the batch came from in the file, to explain a refusal of it by the sheet:
     * {@code header field 3} or {@code record 17} (records counted from 1, the header being record 1).
     */
    public String origin(int op) {
        return op < columns ? "header field " + (op + 1) : "record " + (op - columns + 2);
    }

    private static List<CSVRecord> records(String text) throws BadCsvException {
        try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
            return parser.getRecords();
        } catch (IOException | UncheckedIOException e) {
            // The reader's message, without the exception class the reader puts in front of it.
            String why = e.getMessage() == null ? "unreadable" : e.getMessage().replaceFirst("^([\\w$]+\\.)*[\\w$]+Exception: ", "");
            throw new BadCsvException("not valid CSV: " + why);
        }
    }
}
