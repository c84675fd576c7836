package dev.livegrid.standalone;

import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.metrics.Meters;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

import java.util.List;

/**
 * Puts Tyrus into the listener's filter chain with LiveGrid's guards around it:
 * <pre>
 * Transport → FrameGuardFilter → ConnectionFaultsFilter → UpgradedReads → HTTP codec → HandshakeFilter → UpgradingConnection → Tyrus → HTTP handlers
 * </pre>
 * Once a connection is upgraded, {@link UpgradedReads} takes its reads from the frame guard straight to Tyrus.
 * The frame guard sees the raw bytes of upgraded connections; the handshake filter sees parsed
 * requests before Tyrus does.
 */
final class GuardAddOn implements AddOn {

    private final ServerContainer container;
    private final String contextPath;
    private final List<HandshakeCheck> checks;
    private final FrameGuardFilter frameGuard;
    private final UpgradingConnection upgrading;
    private final ConnectionFaultsFilter faults;
    private final Meters meters;

    GuardAddOn(ServerContainer container, String contextPath, List<HandshakeCheck> checks, FrameGuardFilter frameGuard,
               UpgradingConnection upgrading, ConnectionFaultsFilter faults, Meters meters) {
        this.meters = meters;
        this.container = container;
        this.contextPath = contextPath;
        this.checks = List.copyOf(checks);
        this.frameGuard = frameGuard;
        this.upgrading = upgrading;
        this.faults = faults;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int handlers = builder.indexOfType(HttpServerFilter.class);
        builder.add(handlers, new GrizzlyServerFilter(container, contextPath));
        if (upgrading != null) {
            builder.add(handlers, upgrading);
        }
        builder.add(handlers, new HandshakeFilter(checks, meters));
        if (upgrading != null) {
            builder.add(builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class), new UpgradedReads());
        }
        int transport = builder.indexOfType(TransportFilter.class);
        builder.add(transport + 1, frameGuard);
        if (faults != null) {
            builder.add(builder.indexOf(frameGuard) + 1, faults);
        }
    }
}
