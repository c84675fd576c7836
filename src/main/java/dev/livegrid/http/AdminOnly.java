package dev.livegrid.http;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.Challenge;
import dev.livegrid.access.ContainerUser;
import dev.livegrid.access.CredentialsException;
import dev.livegrid.access.Identity;

import java.util.Optional;

/**
 * The access rule of the operators' endpoints ({@code /health}, {@code /metrics}): anyone with
 * {@code auth=none}; otherwise an admin — a token whose {@code livegrid} claim has
 * {@code "role":"admin"}, or the server's {@code livegrid-admin} role — with {@code 401} and the
 * mode's challenge for missing or refused credentials and {@code 403} for anyone else.
 */
public final class AdminOnly {

    private final Authenticator authenticator;
    private final String what;

    /** @param what what is guarded, for the 403's message ("the health check") */
    public AdminOnly(Authenticator authenticator, String what) {
        this.authenticator = authenticator;
        this.what = what;
    }

    /** Whether callers are identified at all. */
    public boolean enabled() {
        return authenticator.enabled();
    }

    /** Why this caller may not see it, or empty when they may. */
    public Optional<ApiResponse> refusal(ApiRequest.Headers headers, ContainerUser user) {
        if (!authenticator.enabled()) {
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
                    + " only admins may see " + what));
        }
        return Optional.empty();
    }
}
