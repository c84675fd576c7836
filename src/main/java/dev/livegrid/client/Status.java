package dev.livegrid.client;

/** Where a {@link LiveGridClient}'s connection stands; {@link SheetListener#onStatus} reports each change. */
public enum Status {
    /** Built; {@link LiveGridClient#connect()} not called yet. */
    NEW,
    /** The first connection is being opened (handshake, then the welcome). */
    CONNECTING,
    /** Joined: a welcome arrived on the current connection; ops go out as they are made. */
    OPEN,
    /** The connection was lost; the client waits, then reconnects and resumes. Ops made meanwhile wait. */
    RECONNECTING,
    /** For good: {@link LiveGridClient#close()} was called, or the server ended the connection in a way retrying cannot change. */
    CLOSED
}
