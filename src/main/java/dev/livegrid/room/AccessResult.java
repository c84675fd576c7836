package dev.livegrid.room;

/** How an access-list change ended. */
public enum AccessResult {
    /** Durable, and applied to the user's open connections. */
    DONE,
    /** The caller does not own the sheet. */
    FORBIDDEN,
    /** The sheet was deleted meanwhile. */
    NO_SUCH_SHEET,
    /** The store could not commit it; nothing changed. */
    STORE_UNAVAILABLE,
    /** The sheet had too much queued to take it; nothing changed. */
    BUSY
}
