package dev.livegrid.sheet;

/** The codes of a rejected op, as they appear on the wire. */
public enum Reason {
    CONFLICT("conflict"),
    NO_SUCH_ROW("no-such-row"),
    NO_SUCH_COLUMN("no-such-column"),
    INVALID("invalid"),
    TOO_LARGE("too-large"),
    READ_ONLY("read-only"),
    RATE_LIMITED("rate-limited"),
    STORE_UNAVAILABLE("store-unavailable"),
    /** The sheet was deleted (or its room closed) before the op was ordered. */
    NO_SUCH_SHEET("no-such-sheet"),
    /** The server failed while handling the op; nothing of it was applied. */
    SERVER_ERROR("server-error");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
