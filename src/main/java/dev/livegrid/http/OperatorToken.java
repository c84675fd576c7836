package dev.livegrid.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The {@code operator-token} setting: a static secret that lets a scraper or a probe read the
 * operators' endpoints without an admin's token (which expires) or the server's login. Compared in
 * constant time; never part of a message or log.
 */
public final class OperatorToken {

    private static final String BEARER = "Bearer ";

    private final byte[] secret;

    /** The secret, or empty for none (then nothing is ever its bearer). */
    public OperatorToken(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code authorization} is {@code Bearer <the secret>}. */
    public boolean presentedIn(String authorization) {
        if (secret.length == 0 || authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, secret);
    }

    @Override
    public String toString() {
        return secret.length == 0 ? "OperatorToken[none]" : "OperatorToken[(set)]";
    }
}
