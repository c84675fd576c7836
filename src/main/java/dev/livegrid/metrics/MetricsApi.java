package dev.livegrid.metrics;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.ContainerUser;
import dev.livegrid.http.AdminOnly;
import dev.livegrid.http.ApiRequest;
import dev.livegrid.http.ApiResponse;

import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /metrics}: {@link PrometheusMeters#scrape()} as {@code text/plain; version=0.0.4}, the
 * Prometheus text format. Behind the access rules like {@code /health}: anyone with {@code auth=none},
 * an admin otherwise ({@link AdminOnly}). {@code GET} and {@code HEAD} only; never cached.
 */
public final class MetricsApi {

    public static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeters meters;
    private final AdminOnly admins;

    public MetricsApi(PrometheusMeters meters, Authenticator authenticator) {
        this.meters = meters;
        this.admins = new AdminOnly(authenticator, "the metrics");
    }

    public boolean handles(String path) {
        return path.equals(PATH);
    }

    /** Whether answering needs a signed-in caller (in a WAR with {@code auth=container}, the server's login). */
    public boolean needsCaller() {
        return admins.enabled();
    }

    /** The answer, or empty when the path is not {@code /metrics}. */
    public Optional<ApiResponse> handle(String method, String path, ApiRequest.Headers headers, ContainerUser user) {
        if (!handles(path)) {
            return Optional.empty();
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.of(ApiResponse.error(405, "method-not-allowed", PATH + " answers GET and HEAD, not " + method)
                    .withHeader("Allow", "GET, HEAD"));
        }
        ApiResponse answer = admins.refusal(headers, user)
                .orElseGet(() -> new ApiResponse(200, Map.of(), meters.scrape(), CONTENT_TYPE));
        return Optional.of(answer.withHeader("Cache-Control", "no-store"));
    }
}
