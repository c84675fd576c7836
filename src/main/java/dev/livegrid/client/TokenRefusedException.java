package dev.livegrid.client;

/**
 * A fresh token handed to {@link LiveGridClient#authenticate(String)} was refused on the open connection
 * ({@code bad-token}, docs/PROTOCOL.md §7.4): the connection keeps its current token.
 */
public final class TokenRefusedException extends LiveGridException {

    private static final long serialVersionUID = 1L;

    public TokenRefusedException(String message) {
        super("the server refused the fresh token: " + message);
    }
}
