package dev.livegrid.http;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.Challenge;
import dev.livegrid.access.ContainerUser;
import dev.livegrid.access.CredentialsException;
import dev.livegrid.access.Identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The operators' read-only endpoints ({@code /health…}, {@code /metrics}) and the rules they share,
 * the same on every runtime (the standalone server and the WAR only translate requests): {@code GET}
 * and {@code HEAD} only ({@code 405} otherwise), never cached, and — unless a route is open — anyone
 * with {@code auth=none}, otherwise an admin: a token whose {@code livegrid} claim has
 * {@code "role":"admin"}, or the server's {@code livegrid-admin} role, or the bearer of the
 * {@code operator-token} secret (which may read these routes and nothing else); {@code 401} with the
 * mode's challenge for missing or refused credentials, {@code 403} for anyone else.
 */
public final class OperatorEndpoints {

    /**
     * One endpoint: its path (relative to the application), whether anyone may read it, what it is
     * (for a refusal's message) and how it answers.
     */
    public record Route(String path, boolean open, String what, Supplier<ApiResponse> answer) {
    }

    private final Authenticator authenticator;
    private final OperatorToken operatorToken;
    private final List<Route> routes;

    public OperatorEndpoints(Authenticator authenticator, OperatorToken operatorToken, List<Route> routes) {
        this.authenticator = authenticator;
        this.operatorToken = operatorToken;
        this.routes = List.copyOf(routes);
    }

    /** Several groups of routes, in order. */
    @SafeVarargs
    public static OperatorEndpoints of(Authenticator authenticator, OperatorToken operatorToken, List<Route>... groups) {
        List<Route> all = new ArrayList<>();
        for (List<Route> group : groups) {
            all.addAll(group);
        }
        return new OperatorEndpoints(authenticator, operatorToken, all);
    }

    public boolean handles(String path) {
        return route(path).isPresent();
    }

    /**
     * Whether answering needs a signed-in caller (in a WAR with {@code auth=container}, the server's
     * login first): not for an open route, nor for the bearer of the operator token.
     */
    public boolean needsCaller(String path, ApiRequest.Headers headers) {
        return authenticator.enabled() && route(path).map(r -> !r.open()).orElse(false)
                && !operatorToken.presentedIn(headers.get("Authorization"));
    }

    /** The answer to a path that {@link #handles} says is one of these. */
    public ApiResponse answer(String method, String path, ApiRequest.Headers headers, ContainerUser user) {
        Route route = route(path).orElseThrow(() -> new IllegalArgumentException("not an operators' endpoint: " + path));
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return ApiResponse.error(405, "method-not-allowed", path + " answers GET and HEAD, not " + method)
                    .withHeader("Allow", "GET, HEAD");
        }
        ApiResponse answer = route.open() ? route.answer().get()
                : refusal(route, headers, user).orElseGet(route.answer());
        return answer.withHeader("Cache-Control", "no-store");
    }

    private Optional<Route> route(String path) {
        return routes.stream().filter(r -> r.path().equals(path)).findFirst();
    }

    private Optional<ApiResponse> refusal(Route route, ApiRequest.Headers headers, ContainerUser user) {
        if (!authenticator.enabled() || operatorToken.presentedIn(headers.get("Authorization"))) {
            return Optional.empty();
        }
        Identity caller;
        try {
            caller = authenticator.identify(headers.get("Authorization"), null, user, null);
        } catch (CredentialsException e) {
            return Optional.of(ApiResponse.error(401, "unauthenticated", e.getMessage())
                    .withHeader("WWW-Authenticate", Challenge.of(authenticator.mode(), e)));
        }
        if (!caller.isAdmin()) {
            return Optional.of(ApiResponse.error(403, "forbidden", "user '" + caller.userId() + "' is not an admin;"
                    + " only admins may see " + route.what()));
        }
        return Optional.empty();
    }
}
