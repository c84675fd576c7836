package dev.livegrid.csvimport;

/** The text is not a CSV file LiveGrid can import; the message says where and why. */
public final class BadCsvException extends Exception {

    public BadCsvException(String message) {
        super(message, null, false, false);
    }
}
