package dev.livegrid.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How callers are identified ({@code auth}) and, in token mode, what tokens are checked against.
 * Validated here so that a mode that lacks what it needs stops the server at start-up with a
 * message naming the setting; the secret never appears in a message or in {@link #toString()}.
 *
 * @param mode          none, token or container
 * @param tokenSecret   HS256 key, or empty
 * @param tokenPublicKey path of a PEM public key file, or empty
 * @param tokenIssuer   required {@code iss}, or empty for any
 * @param tokenAudience required member of {@code aud}, or empty for any
 * @param operatorToken  the static bearer secret that may read {@code /health} and {@code /metrics}, or empty
 */
public record AuthSettings(Mode mode, String tokenSecret, String tokenPublicKey, String tokenIssuer,
                           String tokenAudience, String operatorToken) {

    /** Shortest HS256 key: RFC 7518 §3.2 asks for a key at least as long as the hash (256 bits). */
    public static final int MIN_SECRET_BYTES = 32;

    public enum Mode {
        NONE, TOKEN, CONTAINER;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AuthSettings(Mode mode, String tokenSecret, String tokenPublicKey, String tokenIssuer, String tokenAudience) {
        this(mode, tokenSecret, tokenPublicKey, tokenIssuer, tokenAudience, "");
    }

    public AuthSettings {
        operatorToken = operatorToken == null ? "" : operatorToken.trim();
        if (!operatorToken.isEmpty() && operatorToken.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new InvalidSettingException(Setting.OPERATOR_TOKEN, "(" + operatorToken.getBytes(StandardCharsets.UTF_8).length
                    + " bytes, not shown)", "at least " + MIN_SECRET_BYTES + " bytes; e.g. openssl rand -base64 48");
        }
        tokenSecret = tokenSecret == null ? "" : tokenSecret;
        tokenPublicKey = tokenPublicKey == null ? "" : tokenPublicKey.trim();
        tokenIssuer = tokenIssuer == null ? "" : tokenIssuer.trim();
        tokenAudience = tokenAudience == null ? "" : tokenAudience.trim();
        if (!tokenSecret.isEmpty() && tokenSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new InvalidSettingException(Setting.TOKEN_SECRET, "(" + tokenSecret.getBytes(StandardCharsets.UTF_8).length
                    + " bytes, not shown)", "at least " + MIN_SECRET_BYTES + " bytes; e.g. openssl rand -base64 48");
        }
        if (mode == Mode.TOKEN && tokenSecret.isEmpty() && tokenPublicKey.isEmpty()) {
            throw new InvalidSettingException(Setting.AUTH, "token", "token mode needs a key to check tokens with: set "
                    + Setting.TOKEN_SECRET.displayName() + " (HS256) or " + Setting.TOKEN_PUBLIC_KEY.displayName()
                    + " (RS256/ES256)");
        }
    }

    /** The mode named by {@code text}. */
    static Mode mode(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : Mode.values()) {
            if (mode.wire().equals(value)) {
                return mode;
            }
        }
        throw new InvalidSettingException(Setting.AUTH, text, "none, token or container");
    }

    @Override
    public String toString() {
        return "AuthSettings[mode=" + mode.wire() + ", tokenSecret=" + (tokenSecret.isEmpty() ? "" : "(set)")
                + ", tokenPublicKey=" + tokenPublicKey + ", tokenIssuer=" + tokenIssuer
                + ", tokenAudience=" + tokenAudience + ", operatorToken=" + (operatorToken.isEmpty() ? "" : "(set)") + "]";
    }
}
