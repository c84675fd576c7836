package dev.livegrid.guard;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses browser handshakes from foreign origins (cross-site WebSocket hijacking).
 * <p>
 * An {@code Origin} is accepted when its authority ({@code host[:port]} as written) equals the
 * request's {@code Host} header, or when it is in the allow-list ({@code *} allows any). A request
 * without {@code Origin} comes from a non-browser client, which could send any Origin it liked, so
 * it is let through: the check protects browsers' users, it does not authenticate programs.
 */
public final class OriginCheck implements HandshakeCheck {

    private final Set<String> allowedOrigins;

    /** @param allowedOrigins lower-case origins such as {@code https://grid.example.com}, or {@code *} */
    public OriginCheck(Set<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    @Override
    public Optional<Refusal> check(Handshake h) {
        String origin = h.header("Origin");
        if (origin == null || allows(origin.trim(), h.header("Host"))) {
            return Optional.empty();
        }
        return Optional.of(Refusal.of(403, "Origin '" + origin + "' is not allowed; add it to livegrid.allowed-origins"
                + " (LIVEGRID_ALLOWED_ORIGINS) to let pages from there connect."));
    }

    /** Whether a browser page from {@code origin} may open a WebSocket on a request for {@code host}. */
    public boolean allows(String origin, String host) {
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains("*") || allowedOrigins.contains(normalized)) {
            return true;
        }
        return host != null && host.trim().equalsIgnoreCase(authorityOf(normalized));
    }

    private static String authorityOf(String origin) {
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
