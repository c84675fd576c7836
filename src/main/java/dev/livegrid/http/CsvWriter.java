package dev.livegrid.http;

import java.util.List;

/**
 * Writes records as RFC 4180 CSV: fields separated by commas, records ended by CRLF, and a field
 * that holds a quote, comma, CR or LF enclosed in quotes with its quotes doubled. A null field is
 * written empty. A record of one empty field is written {@code ""}, so that it does not read as a
 * blank line (which many readers skip). A writer {@link #forSpreadsheets() for spreadsheets} also
 * neutralises fields that would run as formulas ({@link CsvFormulas}).
 */
public final class CsvWriter {

    private final StringBuilder out = new StringBuilder();
    private final boolean neutraliseFormulas;

    /** A writer of fields exactly as given. */
    public CsvWriter() {
        this(false);
    }

    private CsvWriter(boolean neutraliseFormulas) {
        this.neutraliseFormulas = neutraliseFormulas;
    }

    /** A writer that puts a {@code '} before every field a spreadsheet program would run as a formula. */
    public static CsvWriter forSpreadsheets() {
        return new CsvWriter(true);
    }

    /** Appends one record. */
    public CsvWriter record(List<String> fields) {
        if (fields.size() == 1 && isEmpty(fields.get(0))) {
            out.append("\"\"");
        } else {
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                field(fields.get(i));
            }
        }
        out.append("\r\n");
        return this;
    }

    /** The records written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    private void field(String given) {
        if (given == null) {
            return;
        }
        String value = neutraliseFormulas ? CsvFormulas.neutralised(given) : given;
        if (needsQuotes(value)) {
            out.append('"').append(value.replace("\"", "\"\"")).append('"');
        } else {
            out.append(value);
        }
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == ',' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }
}
