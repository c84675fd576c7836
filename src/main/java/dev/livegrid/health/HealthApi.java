package dev.livegrid.health;

import dev.livegrid.http.ApiResponse;
import dev.livegrid.http.OperatorEndpoints;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.List;

/**
 * The health endpoints, as {@link OperatorEndpoints.Route}s:
 * <ul>
 *   <li>{@code /health/live} — {@code 200 {"status":"up"}} whenever the server answers at all: the
 *       process is alive. Open to anyone; it says nothing else.</li>
 *   <li>{@code /health/ready} and {@code /health} — {@code 200} when the store answers and no commit
 *       is stuck ({@link Health}), else {@code 503} with the reason; with the store's answer time.
 *       Behind the operators' access rule.</li>
 * </ul>
 */
public final class HealthApi {

    private final Health health;

    public HealthApi(Health health) {
        this.health = health;
    }

    public List<OperatorEndpoints.Route> routes() {
        String what = "the health check";
        return List.of(
                new OperatorEndpoints.Route("/health/live", true, "liveness",
                        () -> ApiResponse.json(200, Json.createObjectBuilder().add("status", "up").build().toString())),
                new OperatorEndpoints.Route("/health/ready", false, what, this::readiness),
                new OperatorEndpoints.Route("/health", false, what, this::readiness));
    }

    private ApiResponse readiness() {
        Health.Report report = health.check();
        JsonObjectBuilder store = Json.createObjectBuilder().add("status", report.storeMillis() < 0 ? "unknown"
                : report.problem() == null ? "up" : "down");
        if (report.storeMillis() >= 0) {
            store.add("ms", report.storeMillis());
        }
        JsonObjectBuilder body = Json.createObjectBuilder().add("status", report.up() ? "up" : "down");
        if (!report.up()) {
            body.add("reason", report.problem());
        }
        JsonObject checks = Json.createObjectBuilder()
                .add("store", store)
                .add("commits", Json.createObjectBuilder().add("runningMs", report.commitRunningMillis()))
                .build();
        return ApiResponse.json(report.up() ? 200 : 503, body.add("checks", checks).build().toString());
    }
}
