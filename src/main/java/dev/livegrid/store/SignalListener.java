package dev.livegrid.store;

import java.util.List;

/** Other servers' {@link StoreSignals} messages, as the database delivers them, on a connection held open. */
public interface SignalListener extends AutoCloseable {

    /**
     * The messages that arrived, waiting up to {@code millis} for the first.
     *
     * @throws StoreException when the connection is lost (open a new listener; signals meanwhile are missed)
     */
    List<String> await(long millis);

    @Override
    void close();
}
