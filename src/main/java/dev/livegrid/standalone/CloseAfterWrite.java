package dev.livegrid.standalone;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;

/** Closes the connection once a last write (a refusal, a close frame) has gone out, or failed. */
final class CloseAfterWrite extends EmptyCompletionHandler<WriteResult> {

    private final Connection<?> connection;

    CloseAfterWrite(Connection<?> connection) {
        this.connection = connection;
    }

    @Override
    public void completed(WriteResult result) {
        connection.closeSilently();
    }

    @Override
    public void failed(Throwable error) {
        connection.closeSilently();
    }
}
