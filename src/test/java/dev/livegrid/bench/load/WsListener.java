package dev.livegrid.bench.load;

/**
 * What a load mode does with one connection's events. Every call runs on the {@link WsLoop}'s
 * thread, so a listener needs no locks but must return quickly: it is the generator's only thread.
 */
interface WsListener {

    /** The handshake was answered {@code 101} with the right accept key. */
    default void onOpen(WsConnection connection) {
    }

    /**
     * A whole text (or binary) message; {@code data} is only valid during the call (it is the
     * connection's read buffer), so a listener reads what it needs and keeps no reference.
     */
    void onMessage(WsConnection connection, byte[] data, int offset, int length);

    /** The server pinged (the pong is already queued): its heartbeat is on. */
    default void onPing(WsConnection connection) {
    }

    /** Everything queued for the connection has been written (only after a write had to wait). */
    default void onWritable(WsConnection connection) {
    }

    /**
     * The connection ended: {@code code} is the close code the server sent, 1006 when TCP ended
     * without one, or {@code -status} when the handshake was refused with that HTTP status (0 when
     * it failed before any status line).
     */
    default void onClose(WsConnection connection, int code) {
    }
}
