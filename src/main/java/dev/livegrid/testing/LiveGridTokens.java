package dev.livegrid.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.livegrid.config.AuthSettings;
import dev.livegrid.config.Settings;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;

/**
 * Mints the HS256 tokens a LiveGrid server with {@code auth=token} accepts, as an identity provider
 * would: {@code sub}, an optional display {@code name}, {@code exp}, the server's {@code iss} and
 * {@code aud} when it requires them, and the {@code livegrid} claim with the roles (docs/SECURITY.md).
 * Send a token as {@code Authorization: Bearer …} on a handshake or request, or as
 * {@code ?access_token=} on a WebSocket URL.
 */
public final class LiveGridTokens {

    /** How long minted tokens live unless {@link #mint} is given a lifetime. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private final MACSigner signer;
    private final String issuer;
    private final String audience;

    private LiveGridTokens(String secret, String issuer, String audience) {
        try {
            this.signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes", e);
        }
        this.issuer = issuer;
        this.audience = audience;
    }

    /** Tokens for a server with these settings: its {@code token-secret}, {@code token-issuer} and {@code token-audience}. */
    public static LiveGridTokens forServer(Settings settings) {
        AuthSettings auth = settings.auth();
        if (auth.mode() != AuthSettings.Mode.TOKEN || auth.tokenSecret().isEmpty()) {
            throw new IllegalStateException("LiveGridTokens mints HS256 tokens for a server with auth=token and a"
                    + " token-secret; this one has auth=" + auth.mode().wire()
                    + (auth.tokenPublicKey().isEmpty() ? "" : " and checks tokens with a public key, so mint them with its private key"));
        }
        return new LiveGridTokens(auth.tokenSecret(), auth.tokenIssuer(), auth.tokenAudience());
    }

    /** Tokens signed with {@code secret} (at least 32 bytes), without {@code iss} or {@code aud}. */
    public static LiveGridTokens forSecret(String secret) {
        return new LiveGridTokens(Objects.requireNonNull(secret, "secret"), "", "");
    }

    /** A token for {@code subject} with one role on every sheet: viewer, editor, owner, or admin (server-wide). */
    public String withRole(String subject, String role) {
        return mint(subject, null, Map.of("role", role), DEFAULT_LIFETIME);
    }

    /** A token for {@code subject} with a role per sheet id, {@code "*"} standing for every other sheet. */
    public String withSheetRoles(String subject, Map<String, String> rolesBySheet) {
        return mint(subject, null, Map.of("sheets", Map.copyOf(rolesBySheet)), DEFAULT_LIFETIME);
    }

    /**
     * A token of the given claims. A negative lifetime mints one that has already expired.
     *
     * @param name     the display name others see in presence, or null
     * @param livegrid the {@code livegrid} claim, e.g. {@code Map.of("role", "editor")}, or null for none
     */
    public String mint(String subject, String name, Map<String, ?> livegrid, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(Objects.requireNonNull(subject, "subject"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)));
        if (name != null) {
            claims.claim("name", name);
        }
        if (livegrid != null) {
            claims.claim("livegrid", livegrid);
        }
        if (!issuer.isEmpty()) {
            claims.issuer(issuer);
        }
        if (!audience.isEmpty()) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
        return jwt.serialize();
    }
}
