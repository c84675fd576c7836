package dev.livegrid.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * LiveGrid's meters in a Prometheus registry, named {@code livegrid_…} by Prometheus's conventions
 * (base units, {@code _total} counters, {@code _seconds} durations), with the JVM's beside them
 * ({@code jvm_…}, {@code process_…}, {@code system_…}). One per deployment; {@link #close()} stops
 * the JVM's garbage-collection listener.
 */
public final class PrometheusMeters implements Meters, AutoCloseable {

    /** The histograms' buckets: a few per decade from a millisecond to ten seconds (not Micrometer's 70-odd default ones). */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer acknowledged;
    private final Timer commits;
    private final DistributionSummary batchSizes;
    private final Counter heartbeatCloses;
    private final Counter behind;
    private final Counter adopted;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> overflows = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refusals = new ConcurrentHashMap<>();

    /** @param openRooms how many sheets are loaded now */
    public PrometheusMeters(IntSupplier openRooms) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
        Gauge.builder("livegrid.rooms.open", openRooms::getAsInt)
                .description("Sheets loaded in memory (open by someone, or idle and not yet unloaded)")
                .register(registry);
        for (String endpoint : new String[]{SHEETS, ECHO}) {
            AtomicInteger open = new AtomicInteger();
            connections.put(endpoint, open);
            Gauge.builder("livegrid.connections.open", open, AtomicInteger::get).tag("endpoint", endpoint)
                    .description("Open WebSocket sessions").register(registry);
            overflowCounter(endpoint);
        }
        acknowledged = Timer.builder("livegrid.ops.acknowledged")
                .description("Ops applied and durably committed, and how long from reading each to its acknowledgement")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        commits = Timer.builder("livegrid.commit.duration")
                .description("How long the store took to commit a batch")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        batchSizes = DistributionSummary.builder("livegrid.commit.batch.size").baseUnit("changes")
                .description("Changes (ops, snapshots, access entries) per committed batch")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        heartbeatCloses = Counter.builder("livegrid.heartbeat.closes")
                .description("Sessions closed with 1001 because their pong was overdue").register(registry);
        behind = Counter.builder("livegrid.cluster.behind")
                .description("Commits of a sheet that found another server had committed versions of it first"
                        + " (its ops were numbered again after catching up)").register(registry);
        adopted = Counter.builder("livegrid.cluster.ops.adopted")
                .description("Ops committed by other servers on the same database, applied and broadcast here")
                .register(registry);
        for (String code : new String[]{"conflict", "rate-limited", "too-large", "invalid", "no-such-sheet",
                "store-unavailable", "forbidden"}) {
            rejectedCounter(code); // present at 0 from the start, so that rates have a first sample
        }
    }

    @Override
    public void opAcknowledged(long nanos) {
        acknowledged.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void opRejected(String code) {
        rejectedCounter(code).increment();
    }

    @Override
    public void committed(int changes, long nanos) {
        commits.record(nanos, TimeUnit.NANOSECONDS);
        batchSizes.record(changes);
    }

    @Override
    public void connectionOpened(String endpoint) {
        AtomicInteger open = connections.get(endpoint);
        if (open != null) {
            open.incrementAndGet();
        }
    }

    @Override
    public void connectionClosed(String endpoint) {
        AtomicInteger open = connections.get(endpoint);
        if (open != null) {
            open.decrementAndGet();
        }
    }

    @Override
    public void outboxOverflowed(String endpoint) {
        overflowCounter(endpoint).increment();
    }

    private Counter overflowCounter(String endpoint) {
        return overflows.computeIfAbsent(endpoint, e -> Counter.builder("livegrid.outbox.overflows").tag("endpoint", e)
                .description("Sessions closed with 1013 because they read too slowly (their outbox overflowed)")
                .register(registry));
    }

    @Override
    public void heartbeatClosed() {
        heartbeatCloses.increment();
    }

    @Override
    public void sheetBehind() {
        behind.increment();
    }

    @Override
    public void opAdopted() {
        adopted.increment();
    }

    @Override
    public void handshakeRefused(int status) {
        refusals.computeIfAbsent(status, s -> Counter.builder("livegrid.handshake.refusals").tag("status", String.valueOf(s))
                .description("WebSocket handshakes refused, by HTTP status").register(registry)).increment();
    }

    /** Everything, in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private Counter rejectedCounter(String code) {
        return rejected.computeIfAbsent(code, c -> Counter.builder("livegrid.ops.rejected").tag("code", c)
                .description("Ops rejected, by the code of the rejection").register(registry));
    }
}
