package dev.livegrid.standalone;

import dev.livegrid.session.FrameChannel;
import dev.livegrid.session.RawConnection;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.memory.ByteBufferWrapper;
import org.glassfish.grizzly.memory.BuffersBuffer;
import org.glassfish.grizzly.memory.MemoryManager;
import org.glassfish.grizzly.nio.NIOTransport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Writes an outbox's frames straight into the connection's Grizzly write queue: the frames are built
 * (once per broadcast, see {@code Outgoing.frame()}) by LiveGrid, so Tyrus's per-message framing,
 * UTF-8 encoding, locking and idle-timer rescheduling, and the filter chain's walk of every write, are
 * skipped. Several frames go as one composite buffer: one gathering write.
 * <p>
 * Tyrus still writes its own frames (pings, pongs, close) on the same queue; Grizzly keeps each buffer
 * whole in that queue, so frames never interleave, and the outbox starts its close only after its
 * last write here completed. A connection the frame guard has failed, or on which a close frame was
 * written, takes nothing more here.
 */
final class GrizzlyFrameChannel implements FrameChannel {

    private static final SendResult OK = new SendResult();

    private final Connection<SocketAddress> connection;
    private final AsyncQueueWriter<SocketAddress> writer;
    private final MemoryManager<?> memory;
    private final FrameGuardFilter guard;
    private final Session session;
    /** The outbox's handler of the write in flight (it has at most one). */
    private volatile SendHandler done;
    private final EmptyCompletionHandler<WriteResult<?, ?>> written = new EmptyCompletionHandler<>() {
        @Override
        public void completed(WriteResult<?, ?> result) {
            done.onResult(OK);
        }

        @Override
        public void failed(Throwable error) {
            done.onResult(new SendResult(error));
        }
    };

    @SuppressWarnings("unchecked")
    GrizzlyFrameChannel(Connection<?> connection, FrameGuardFilter guard, Session session) {
        this.connection = (Connection<SocketAddress>) connection;
        this.writer = ((NIOTransport) connection.getTransport()).getAsyncQueueIO().getWriter();
        this.memory = connection.getMemoryManager();
        this.guard = guard;
        this.session = session;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void write(ByteBuffer[] frames, int count, SendHandler done) {
        // Tyrus checks its session's state before each send; so does this, and also whether a close
        // frame already went out (Tyrus replies to a client's close on the reading thread, before its
        // session counts as closed). Both are read just before the frames are queued: a close written
        // in between could still precede them, a window no wider than Tyrus's own between its check
        // and its write.
        if (!session.isOpen() || !guard.writable(connection)) {
            done.onResult(new SendResult(new IOException("the connection is closing")));
            return;
        }
        Buffer message;
        // Plain wrappers, not the memory manager's pooled ones: a frame's bytes are shared by every
        // viewer's write, and must never be recycled or trimmed into a pool.
        if (count == 1) {
            message = new ByteBufferWrapper(frames[0]);
        } else {
            Buffer[] parts = new Buffer[count];
            for (int i = 0; i < count; i++) {
                parts[i] = new ByteBufferWrapper(frames[i]);
            }
            message = BuffersBuffer.create(memory, parts);
        }
        this.done = done;
        writer.write(connection, message, (EmptyCompletionHandler) written);
    }

    @Override
    public RawConnection raw() {
        return new GrizzlyRawConnection(connection, writer);
    }
}
