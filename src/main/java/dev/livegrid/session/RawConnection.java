package dev.livegrid.session;

import jakarta.websocket.SendHandler;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A WebSocket connection below the WebSocket API, for the faults {@code /echo} injects when a client
 * asks for them: a connection cut without a close frame, a close frame the API would never write,
 * reads that stop for a while, pings left unanswered. Only the standalone server has one (its
 * Grizzly connection, from {@link FrameChannel#raw()}); inside an application server {@code /echo}
 * refuses those parameters.
 */
public interface RawConnection {

    /**
     * Writes {@code bytes} as they are after everything written to the connection before, then closes
     * the TCP connection (no close frame of the WebSocket layer's own follows); with no bytes, only
     * closes. {@code done} is told when that is under way or failed.
     */
    void writeAndClose(ByteBuffer bytes, SendHandler done);

    /** Reads nothing more from the connection for this long, so that what the client sends waits in TCP. */
    void stallReads(Duration duration);

    /** From now on, the pongs the WebSocket layer writes in answer to the client's pings are not sent. */
    void dropPongs();
}
