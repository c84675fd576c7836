package dev.livegrid.access;

import dev.livegrid.config.AuthSettings;

import java.util.Locale;
import java.util.Map;

/**
 * Turns what a transport extracted from a request into an {@link Identity}, by the configured mode:
 * {@code none} trusts whatever the client says, {@code token} checks a bearer token, {@code container}
 * takes the user the Jakarta EE server authenticated. Transports never decide this themselves.
 */
public final class Authenticator {

    /** The query parameter a browser sends its token in (it cannot set headers on a WebSocket handshake). */
    public static final String TOKEN_PARAMETER = "access_token";

    private final AuthSettings.Mode mode;
    private final TokenVerifier tokens;

    public Authenticator(AuthSettings settings) {
        this.mode = settings.mode();
        this.tokens = mode == AuthSettings.Mode.TOKEN ? new TokenVerifier(settings) : null;
    }

    public AuthSettings.Mode mode() {
        return mode;
    }

    /** Whether callers are identified at all (token or container mode). */
    public boolean enabled() {
        return mode != AuthSettings.Mode.NONE;
    }

    /**
     * Who is calling.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param queryToken    the {@code access_token} query parameter (handshakes only), or null
     * @param container     the user the server authenticated, or null
     * @param anonymous     who the caller says they are, used only with {@code auth=none}
     * @throws CredentialsException when credentials are required and missing or refused
     */
    public Identity identify(String authorization, String queryToken, ContainerUser container, Identity anonymous)
            throws CredentialsException {
        return switch (mode) {
            case NONE -> anonymous;
            case TOKEN -> tokens.verify(token(authorization, queryToken));
            case CONTAINER -> containerIdentity(container);
        };
    }

    /** Checks a fresh token sent on an open connection (token mode only). */
    public Identity verifyFresh(String token) throws CredentialsException {
        if (tokens == null) {
            throw CredentialsException.refused("this server does not use tokens (auth=" + mode.wire() + ")");
        }
        return tokens.verify(token);
    }

    private static String token(String authorization, String queryToken) throws CredentialsException {
        if (authorization != null && !authorization.isBlank()) {
            String[] parts = authorization.trim().split("\\s+", 2);
            if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
                throw CredentialsException.refused("the Authorization header must be 'Bearer <token>'");
            }
            return parts[1].trim();
        }
        if (queryToken != null && !queryToken.isBlank()) {
            return queryToken.trim();
        }
        throw CredentialsException.missing("sign in: send a bearer token (Authorization: Bearer <token>, or "
                + TOKEN_PARAMETER + "=<token> on a WebSocket handshake)");
    }

    private static Identity containerIdentity(ContainerUser user) throws CredentialsException {
        if (user == null || user.name() == null) {
            throw CredentialsException.missing("sign in: this server's login is required");
        }
        boolean admin = user.isInRole(ContainerUser.ADMIN);
        Role role = user.isInRole(ContainerUser.OWNER) ? Role.OWNER
                : user.isInRole(ContainerUser.EDITOR) ? Role.EDITOR
                : user.isInRole(ContainerUser.VIEWER) ? Role.VIEWER : null;
        return new Identity(user.name(), user.name(), new Grants(role, Map.of(), admin), null, true);
    }
}
