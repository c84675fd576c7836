package dev.livegrid.metrics;

/**
 * What LiveGrid reports about itself as it runs, for {@code /metrics}. Every method is cheap and never
 * throws; {@link #NONE} reports nowhere (the default of code made without a registry, tests).
 */
public interface Meters {

    /** The WebSocket endpoints, as the {@code endpoint} label spells them. */
    String SHEETS = "sheets";
    String ECHO = "echo";

    Meters NONE = new Meters() {
    };

    /** An op was applied and its commit acknowledged, {@code nanos} after it was read. */
    default void opAcknowledged(long nanos) {
    }

    /** An op was rejected with this code ({@code conflict}, {@code rate-limited}, …). */
    default void opRejected(String code) {
    }

    /** The store committed (or failed to commit) a batch of this many changes in {@code nanos}. */
    default void committed(int changes, long nanos) {
    }

    /** A WebSocket session of this endpoint opened. */
    default void connectionOpened(String endpoint) {
    }

    /** A WebSocket session of this endpoint ended. */
    default void connectionClosed(String endpoint) {
    }

    /** A session of this endpoint was closed with 1013 because its outbox overflowed (a reader too slow). */
    default void outboxOverflowed(String endpoint) {
    }

    /** The heartbeat closed a session whose pong was overdue. */
    default void heartbeatClosed() {
    }

    /** Cluster mode: a commit of a sheet found another server had committed versions of it first; its ops are numbered again. */
    default void sheetBehind() {
    }

    /** Cluster mode: an op another server committed was applied and broadcast here. */
    default void opAdopted() {
    }

    /** A WebSocket handshake was refused with this HTTP status. */
    default void handshakeRefused(int status) {
    }
}
