package dev.livegrid.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;

/** Mints tokens for tests the way an identity provider would: signed JWTs with LiveGrid's claims. */
public final class Tokens {

    /** An HS256 secret of 40 bytes. */
    public static final String SECRET = "test-secret-of-forty-bytes-0123456789abc";

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;

    private Tokens(JWSSigner signer, JWSAlgorithm algorithm) {
        this.signer = signer;
        this.algorithm = algorithm;
    }

    public static Tokens hs256(String secret) {
        try {
            return new Tokens(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Tokens hs256() {
        return hs256(SECRET);
    }

    public static Tokens rs256(KeyPair keys) {
        return new Tokens(new RSASSASigner(keys.getPrivate()), JWSAlgorithm.RS256);
    }

    public static Tokens es256(KeyPair keys) {
        try {
            return new Tokens(new ECDSASigner((ECPrivateKey) keys.getPrivate()), JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static KeyPair ecKeys(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    /** Writes the public key as a PEM file ({@code -----BEGIN PUBLIC KEY-----}), as openssl does. */
    public static Path pem(PublicKey key, Path directory) throws IOException {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return Files.writeString(Files.createTempFile(directory, "key", ".pem"),
                "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n");
    }

    /** A token for {@code sub}, valid for an hour, with the {@code livegrid} claim given (or none when null). */
    public String mint(String sub, Map<String, Object> livegrid) {
        return mint(b -> {
            b.subject(sub).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
            if (livegrid != null) {
                b.claim("livegrid", livegrid);
            }
        });
    }

    /** A token for {@code sub} with {@code {"role": role}}. */
    public String withRole(String sub, String role) {
        return mint(sub, Map.of("role", role));
    }

    /** A token of exactly the claims the builder sets. */
    public String mint(Consumer<JWTClaimsSet.Builder> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.accept(builder);
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), builder.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** {@code Authorization: Bearer token}, as headers for a request or handshake. */
    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
