package dev.livegrid.access;

/**
 * Credentials are missing, malformed or refused: answered with 401 (HTTP, handshake) or, for a
 * fresh token sent on an open socket, with an error message. The message says why without
 * repeating the credentials.
 */
public final class CredentialsException extends Exception {

    private final boolean missing;

    private CredentialsException(String message, boolean missing) {
        super(message, null, false, false);
        this.missing = missing;
    }

    /** No credentials were presented at all. */
    public static CredentialsException missing(String message) {
        return new CredentialsException(message, true);
    }

    /** Credentials were presented and refused. */
    public static CredentialsException refused(String message) {
        return new CredentialsException(message, false);
    }

    /** Whether nothing was presented (as opposed to something refused): RFC 6750 then adds no error code. */
    public boolean missing() {
        return missing;
    }
}
