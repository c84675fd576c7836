/**
 * {@code GET /metrics}: LiveGrid's meters and the JVM's in the Prometheus text format, through
 * Micrometer's Prometheus registry. {@link dev.livegrid.metrics.Meters} is what the rest of the code
 * reports to; {@link dev.livegrid.metrics.PrometheusMeters} keeps it.
 */
package dev.livegrid.metrics;
