package dev.livegrid.standalone;

import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ICloseType;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes plain-HTTP connections that hold a socket without using it:
 * <ul>
 *   <li>a request head (request line and headers) not complete {@code header-timeout} after it began —
 *       after the accept for a connection's first request, after its first byte for a later one —
 *       however steadily its bytes trickle in (slowloris);</li>
 *   <li>a keep-alive connection that was answered and has been quiet since (nothing read or written)
 *       for {@code http-idle-timeout}.</li>
 * </ul>
 * While a request is handled (its head parsed, no answer begun) nothing is timed, and a connection
 * upgraded to a WebSocket ({@code 101} written) is forgotten for good: an idle WebSocket is the
 * heartbeat's business. Grizzly's own keep-alive timeout cannot tell the two apart (its idle filter
 * would cut WebSockets too), so it stays off. Two filters report what happens: {@link #arrivals()}
 * right after the transport (accepts, raw bytes) and {@link #exchanges()} right after the HTTP codec
 * (parsed heads, responses written). One task on the scheduler sweeps the connections a few times per
 * timeout: no timer per connection.
 */
final class RequestTimeouts implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RequestTimeouts.class.getName());
    private static final String SEEN = RequestTimeouts.class.getName() + ".seen";
    private static final Duration FINEST_TICK = Duration.ofMillis(50);
    private static final Duration COARSEST_TICK = Duration.ofSeconds(1);

    private final Duration headerTimeout;
    private final Duration idleTimeout;
    private final Map<Connection<?>, Clock> clocks = new ConcurrentHashMap<>();
    private final Filter arrivals = new Arrivals();
    private final Filter exchanges = new Exchanges();
    private final ScheduledFuture<?> sweep;

    RequestTimeouts(Duration headerTimeout, Duration idleTimeout, ScheduledExecutorService scheduler) {
        this.headerTimeout = headerTimeout;
        this.idleTimeout = idleTimeout;
        Duration quarter = (headerTimeout.compareTo(idleTimeout) < 0 ? headerTimeout : idleTimeout).dividedBy(4);
        long tick = Math.max(FINEST_TICK.toNanos(), Math.min(COARSEST_TICK.toNanos(), quarter.toNanos()));
        this.sweep = scheduler.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.NANOSECONDS);
    }

    /** The filter to put right after the transport: it sees connections accepted and bytes arriving. */
    Filter arrivals() {
        return arrivals;
    }

    /** The filter to put right after the HTTP codec: it sees request heads parsed and responses written. */
    Filter exchanges() {
        return exchanges;
    }

    /** How many connections are being timed (plain HTTP, open, not upgraded). */
    int timed() {
        return clocks.size();
    }

    @Override
    public void close() {
        sweep.cancel(false);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            clocks.forEach((connection, clock) -> {
                if (!connection.isOpen()) {
                    clocks.remove(connection, clock);
                } else if (clock.expired(now)) {
                    clocks.remove(connection, clock);
                    LOG.fine(() -> "closing " + connection.getPeerAddress() + ": " + clock);
                    connection.terminateSilently();
                }
            });
        } catch (RuntimeException | Error e) { // a scheduled task that throws is never run again
            LOG.log(Level.WARNING, "request timeouts: the sweep failed", e);
        }
    }

    private enum Phase {
        /** Waiting for a request head to be complete. */
        HEAD,
        /** A request is being handled; its answer has not begun. */
        REQUEST,
        /** Answered (or being answered); waiting for the next request. */
        IDLE
    }

    /** Where one connection is, and since when. */
    private final class Clock {

        private Phase phase = Phase.HEAD;
        private long since;

        Clock(long now) {
            this.since = now;
        }

        /** Bytes arrived: after an answer they start the next request's head; within a head they change nothing. */
        synchronized void arrived(long now) {
            if (phase == Phase.IDLE) {
                phase = Phase.HEAD;
                since = now;
            }
        }

        synchronized void headParsed() {
            phase = Phase.REQUEST;
        }

        /** Something was written: an answer ends the request; any write keeps an answered connection busy. */
        synchronized void wrote(long now, boolean answer) {
            if (answer || phase == Phase.IDLE) {
                phase = Phase.IDLE;
                since = now;
            }
        }

        synchronized boolean expired(long now) {
            return switch (phase) {
                case HEAD -> now - since >= headerTimeout.toNanos();
                case IDLE -> now - since >= idleTimeout.toNanos();
                case REQUEST -> false;
            };
        }

        @Override
        public synchronized String toString() {
            return phase == Phase.HEAD ? "request headers incomplete after " + headerTimeout
                    : "idle keep-alive connection after " + idleTimeout;
        }
    }

    private final class Arrivals extends BaseFilter {

        @Override
        public NextAction handleAccept(FilterChainContext ctx) {
            Connection<?> connection = ctx.getConnection();
            clocks.put(connection, new Clock(System.nanoTime()));
            connection.addCloseListener((CloseListener<Closeable, ICloseType>) (closed, type) -> clocks.remove(connection));
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) {
            Clock clock = clocks.get(ctx.getConnection());
            if (clock != null) {
                clock.arrived(System.nanoTime());
            }
            return ctx.getInvokeAction();
        }
    }

    private final class Exchanges extends BaseFilter {

        @Override
        public NextAction handleRead(FilterChainContext ctx) {
            if (ctx.getMessage() instanceof HttpContent content
                    && content.getHttpHeader() instanceof HttpRequestPacket request && request.getAttribute(SEEN) == null) {
                request.setAttribute(SEEN, Boolean.TRUE);
                Clock clock = clocks.get(ctx.getConnection());
                if (clock != null) {
                    clock.headParsed();
                }
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) {
            Connection<?> connection = ctx.getConnection();
            int status = ResponseStatus.of(ctx.getMessage());
            if (status == 101) {
                clocks.remove(connection);
            } else {
                Clock clock = clocks.get(connection);
                if (clock != null) {
                    clock.wrote(System.nanoTime(), status >= 200);
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
