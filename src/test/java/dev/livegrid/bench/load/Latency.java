package dev.livegrid.bench.load;

import org.HdrHistogram.Histogram;

/** Latencies in nanoseconds (HdrHistogram, 3 significant digits, up to an hour), reported in ms. */
final class Latency {

    private static final long MAX = 3_600_000_000_000L;
    private final Histogram histogram = new Histogram(MAX, 3);

    void record(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(MAX, nanos)));
    }

    void reset() {
        histogram.reset();
    }

    long count() {
        return histogram.getTotalCount();
    }

    double percentileMs(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    JsonLine json() {
        return new JsonLine()
                .put("count", histogram.getTotalCount())
                .put("p50_ms", percentileMs(50))
                .put("p99_ms", percentileMs(99))
                .put("p99_9_ms", percentileMs(99.9))
                .put("max_ms", histogram.getMaxValue() / 1e6);
    }
}
