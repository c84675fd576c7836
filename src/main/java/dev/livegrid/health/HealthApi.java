package dev.livegrid.health;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.ContainerUser;
import dev.livegrid.http.AdminOnly;
import dev.livegrid.http.ApiRequest;
import dev.livegrid.http.ApiResponse;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.Optional;

/**
 * The health endpoints, the same on every runtime (the standalone server and the WAR translate
 * requests to and from it):
 * <ul>
 *   <li>{@code /health/live} — {@code 200 {"status":"up"}} whenever the server answers at all: the
 *       process is alive. Open to anyone; it says nothing else.</li>
 *   <li>{@code /health/ready} and {@code /health} — {@code 200} when the store answers and no commit
 *       is stuck ({@link Health}), else {@code 503} with the reason; with the store's answer time.
 *       Behind the access rules: with {@code auth=none} anyone, otherwise an admin (a token whose
 *       {@code livegrid} claim has {@code "role":"admin"}, or the server's {@code livegrid-admin} role):
 *       {@code 401} without credentials, {@code 403} for anyone else.</li>
 * </ul>
 * {@code GET} and {@code HEAD} only ({@code 405} otherwise); never cached.
 */
public final class HealthApi {

    private static final String LIVE = "/health/live";
    private static final String READY = "/health/ready";
    private static final String HEALTH = "/health";

    private final Health health;
    private final AdminOnly admins;

    public HealthApi(Health health, Authenticator authenticator) {
        this.health = health;
        this.admins = new AdminOnly(authenticator, "the health check");
    }

    /** Whether the path is one of the health endpoints (relative to the application, not decoded). */
    public boolean handles(String path) {
        return path.equals(HEALTH) || path.equals(LIVE) || path.equals(READY);
    }

    /** Whether answering the path needs a signed-in caller (in a WAR with {@code auth=container}, the server's login). */
    public boolean needsCaller(String path) {
        return !path.equals(LIVE) && admins.enabled();
    }

    /** The answer, or empty when the path is not one of {@link #handles these}. */
    public Optional<ApiResponse> handle(String method, String path, ApiRequest.Headers headers, ContainerUser user) {
        if (!handles(path)) {
            return Optional.empty();
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.of(ApiResponse.error(405, "method-not-allowed", path + " answers GET and HEAD, not " + method)
                    .withHeader("Allow", "GET, HEAD"));
        }
        ApiResponse answer;
        if (path.equals(LIVE)) {
            answer = ApiResponse.json(200, Json.createObjectBuilder().add("status", "up").build().toString());
        } else {
            answer = admins.refusal(headers, user).orElseGet(this::readiness);
        }
        return Optional.of(answer.withHeader("Cache-Control", "no-store"));
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
