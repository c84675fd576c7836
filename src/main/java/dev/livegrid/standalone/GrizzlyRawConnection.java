package dev.livegrid.standalone;

import dev.livegrid.session.RawConnection;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.memory.ByteBufferWrapper;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A standalone connection below the WebSocket API, for {@code /echo}'s injected faults. Raw bytes go
 * on the same Grizzly write queue as the outbox's frames and Tyrus's, so they follow everything
 * written before; a close of the connection is Grizzly's graceful one, which first writes what is
 * queued. Reads are held back and pongs dropped by {@link ConnectionFaultsFilter}.
 */
final class GrizzlyRawConnection implements RawConnection {

    private final Connection<SocketAddress> connection;
    private final AsyncQueueWriter<SocketAddress> writer;

    GrizzlyRawConnection(Connection<SocketAddress> connection, AsyncQueueWriter<SocketAddress> writer) {
        this.connection = connection;
        this.writer = writer;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void writeAndClose(ByteBuffer bytes, SendHandler done) {
        if (!bytes.hasRemaining()) {
            connection.closeSilently();
            done.onResult(new SendResult());
            return;
        }
        writer.write(connection, new ByteBufferWrapper(bytes), (EmptyCompletionHandler) new EmptyCompletionHandler<WriteResult<?, ?>>() {
            @Override
            public void completed(WriteResult<?, ?> result) {
                connection.closeSilently();
                done.onResult(new SendResult());
            }

            @Override
            public void failed(Throwable error) {
                connection.terminateSilently();
                done.onResult(new SendResult(error));
            }
        });
    }

    @Override
    public void stallReads(Duration duration) {
        ConnectionFaultsFilter.STALLED_UNTIL.set(connection, System.nanoTime() + duration.toNanos());
    }

    @Override
    public void dropPongs() {
        ConnectionFaultsFilter.PONGS_DROPPED.set(connection, Boolean.TRUE);
    }
}
