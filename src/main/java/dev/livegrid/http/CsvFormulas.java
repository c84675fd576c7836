package dev.livegrid.http;

import java.util.regex.Pattern;

/**
 * Keeps spreadsheet programs from running a CSV field as a formula (CSV injection, as OWASP describes
 * it): a field starting with {@code =}, {@code +}, {@code -}, {@code @}, TAB or CR gets a leading
 * {@code '}, unless it is a plain number ({@link #PLAIN_NUMBER}), which a spreadsheet only shows.
 */
final class CsvFormulas {

    /** An optional minus, digits, and optionally a dot and digits: {@code -12}, {@code -0.5}, {@code 42}. */
    static final Pattern PLAIN_NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private CsvFormulas() {
    }

    /** The field as a spreadsheet program may open it: as it is, or with a {@code '} before it. */
    static String neutralised(String field) {
        if (field == null || field.isEmpty() || !startsAFormula(field.charAt(0)) || PLAIN_NUMBER.matcher(field).matches()) {
            return field;
        }
        return "'" + field;
    }

    private static boolean startsAFormula(char first) {
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    }
}
