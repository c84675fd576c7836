package dev.livegrid.access;

import dev.livegrid.config.AuthSettings;

/** The {@code WWW-Authenticate} header of a 401: how to authenticate, and (RFC 6750 §3) why a token was refused. */
public final class Challenge {

    public static final String REALM = "livegrid";

    private Challenge() {
    }

    public static String of(AuthSettings.Mode mode, CredentialsException failure) {
        if (mode == AuthSettings.Mode.CONTAINER) {
            return "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";
        }
        if (failure.missing()) {
            return "Bearer realm=\"" + REALM + "\"";
        }
        return "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", error_description=\""
                + headerSafe(failure.getMessage()) + "\"";
    }

    /** RFC 6750 allows printable ASCII other than {@code "} and {@code \} in a description. */
    private static String headerSafe(String text) {
        StringBuilder safe = new StringBuilder();
        text.chars().limit(200).forEach(c -> safe.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '?'));
        return safe.toString();
    }
}
