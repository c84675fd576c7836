package dev.livegrid.session;

import jakarta.websocket.SendHandler;

import java.nio.ByteBuffer;

/**
 * A way to write whole, already framed server messages to one connection, past the WebSocket API:
 * the standalone server's Grizzly connection ({@code GrizzlyFrameChannel}). An {@link Outbox} that has
 * one writes its text messages through it, several queued frames in one write; without one (in a
 * WAR) it sends them through the session's asynchronous API. Its {@link Outbox} calls it with at most
 * one write in flight.
 */
public interface FrameChannel {

    /**
     * Writes {@code frames[0..count)} in this order, after everything written to the connection before;
     * {@code done} is told once, when all are written or the write failed (possibly on this thread,
     * before this returns). The channel must not keep {@code frames} after returning: the caller reuses
     * the array, not the buffers.
     */
    void write(ByteBuffer[] frames, int count, SendHandler done);

    /** The same connection below the WebSocket API, for the faults {@code /echo} injects; null when there is none. */
    default RawConnection raw() {
        return null;
    }
}
