package dev.livegrid.standalone;

import dev.livegrid.config.Settings;
import dev.livegrid.guard.ConnectionLimits;
import dev.livegrid.metrics.Meters;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

import java.util.concurrent.ScheduledExecutorService;

/**
 * The standalone server's limits on connections: how many WebSockets may be open ({@link ConnectionLimits},
 * counted by {@link ConnectionLimitFilter}) and how long a plain-HTTP connection may wait for a request's
 * headers or sit idle ({@link RequestTimeouts}). As an add-on, registered after {@link GuardAddOn} (it
 * needs Tyrus's filter in the chain), it puts them into the listener's filter chain:
 * <pre>
 * Transport → arrivals → … → HTTP codec → exchanges → … → HandshakeFilter → ConnectionLimitFilter → Tyrus → …
 * </pre>
 * The timeouts see raw bytes arrive before the codec and parsed heads and answers after it; the
 * connection limit sees only handshakes that every other check let through. {@link #close()} stops the
 * timeouts' sweep.
 */
final class AbuseLimits implements AddOn, AutoCloseable {

    private final Meters meters;

    private final ConnectionLimits connections;
    private final RequestTimeouts timeouts;

    AbuseLimits(Settings settings, ScheduledExecutorService scheduler, Meters meters) {
        this.meters = meters;
        this.connections = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
        this.timeouts = new RequestTimeouts(settings.headerTimeout(), settings.httpIdleTimeout(), scheduler);
    }

    /** WebSockets open (or admitted and being upgraded) now. */
    int openWebSockets() {
        return connections.open();
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(TransportFilter.class) + 1, timeouts.arrivals());
        builder.add(builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class) + 1, timeouts.exchanges());
        int tyrus = builder.indexOfType(GrizzlyServerFilter.class);
        if (tyrus < 0) {
            throw new IllegalStateException("register the abuse limits after the guards: Tyrus is not in the chain yet");
        }
        builder.add(tyrus, new ConnectionLimitFilter(connections, meters));
    }

    @Override
    public void close() {
        timeouts.close();
    }
}
