package dev.livegrid.metrics;

import dev.livegrid.http.ApiResponse;
import dev.livegrid.http.OperatorEndpoints;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics}, as an {@link OperatorEndpoints.Route}: {@link PrometheusMeters#scrape()} as
 * {@code text/plain; version=0.0.4}, the Prometheus text format, behind the operators' access rule.
 */
public final class MetricsApi {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeters meters;

    public MetricsApi(PrometheusMeters meters) {
        this.meters = meters;
    }

    public List<OperatorEndpoints.Route> routes() {
        return List.of(new OperatorEndpoints.Route("/metrics", false, "the metrics",
                () -> new ApiResponse(200, Map.of(), meters.scrape(), CONTENT_TYPE)));
    }
}
