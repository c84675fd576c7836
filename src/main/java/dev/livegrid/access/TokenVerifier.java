package dev.livegrid.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.livegrid.config.AuthSettings;
import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a bearer token (a JWS-signed JWT) with Nimbus JOSE+JWT and turns its claims into an
 * {@link Identity}. Accepted: HS256 with {@code token-secret}, RS256 with an RSA and ES256 with a
 * P-256 {@code token-public-key}; a token's {@code alg} must match a configured key's type, so an
 * unsigned ({@code alg: none}) token or one signed for another key type never verifies. {@code sub}
 * and {@code exp} are required, {@code nbf} is honoured, {@code iss} and {@code aud} are checked when
 * configured; clocks may differ by {@link #CLOCK_SKEW_SECONDS}.
 */
public final class TokenVerifier {

    /** Leeway for clocks that differ between the token's issuer and this server. */
    public static final int CLOCK_SKEW_SECONDS = 60;
    /** Longest {@code sub}: it is shown as a user id in presence and in every op's {@code by}. */
    public static final int MAX_SUBJECT_LENGTH = 128;
    /** Longest display name, as for the {@code name} parameter without tokens. */
    public static final int MAX_NAME_LENGTH = 100;
    /** The claim that carries LiveGrid roles. */
    public static final String ROLES_CLAIM = "livegrid";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /**
     * @throws InvalidSettingException when the public key file cannot be read or holds no usable key
     */
    public TokenVerifier(AuthSettings settings) {
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        if (!settings.tokenSecret().isEmpty()) {
            keys.add(new OctetSequenceKey.Builder(settings.tokenSecret().getBytes(StandardCharsets.UTF_8)).build());
            algorithms.add(JWSAlgorithm.HS256);
        }
        if (!settings.tokenPublicKey().isEmpty()) {
            PublicKey key = readPublicKey(settings.tokenPublicKey());
            if (key instanceof RSAPublicKey rsa) {
                keys.add(new RSAKey.Builder(rsa).build());
                algorithms.add(JWSAlgorithm.RS256);
            } else if (key instanceof ECPublicKey ec && isP256(ec.getParams())) {
                keys.add(new ECKey.Builder(Curve.P_256, ec).build());
                algorithms.add(JWSAlgorithm.ES256);
            } else {
                throw new InvalidSettingException(Setting.TOKEN_PUBLIC_KEY, settings.tokenPublicKey(),
                        "an RSA key (RS256) or an EC key on P-256 (ES256)");
            }
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(new JWKSet(keys))));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (!settings.tokenIssuer().isEmpty()) {
            exact.issuer(settings.tokenIssuer());
        }
        Set<String> audience = settings.tokenAudience().isEmpty() ? null : Set.of(settings.tokenAudience());
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience, exact.build(),
                Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The identity the token proves.
     *
     * @throws CredentialsException saying why the token is refused (never quoting it)
     */
    public Identity verify(String token) throws CredentialsException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(SignedJWT.parse(token), null);
        } catch (ParseException e) {
            throw CredentialsException.refused("the token is not a signed JWT (alg none and encrypted tokens are refused)");
        } catch (BadJOSEException e) {
            throw CredentialsException.refused("the token was refused: " + e.getMessage());
        } catch (JOSEException | RuntimeException e) {
            throw CredentialsException.refused("the token could not be checked: " + e.getMessage());
        }
        String subject = claims.getSubject();
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH || subject.chars().anyMatch(Character::isISOControl)) {
            throw CredentialsException.refused("the token's sub must be 1-" + MAX_SUBJECT_LENGTH
                    + " characters without control characters");
        }
        return new Identity(subject, name(claims, subject), grants(claims), claims.getExpirationTime().toInstant(), true);
    }

    private static String name(JWTClaimsSet claims, String subject) throws CredentialsException {
        Object value = claims.getClaim("name");
        if (value == null) {
            return subject;
        }
        if (!(value instanceof String name)) {
            throw CredentialsException.refused("the token's name claim must be a string");
        }
        String clean = name.codePoints().filter(c -> !Character.isISOControl(c)).limit(MAX_NAME_LENGTH)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return clean.isEmpty() ? subject : clean;
    }

    /** The {@code livegrid} claim: {@code {"role": "editor"|"admin"…, "sheets": {"team": "owner", "*": "viewer"}}}. */
    private static Grants grants(JWTClaimsSet claims) throws CredentialsException {
        Object claim = claims.getClaim(ROLES_CLAIM);
        if (claim == null) {
            return new Grants(null, Map.of(), false);
        }
        if (!(claim instanceof Map<?, ?> object)) {
            throw CredentialsException.refused("the token's " + ROLES_CLAIM + " claim must be an object");
        }
        Role everySheet = null;
        boolean admin = false;
        Object role = object.get("role");
        if (role != null) {
            if ("admin".equals(role)) {
                admin = true;
            } else {
                everySheet = role(role, ROLES_CLAIM + ".role");
            }
        }
        Map<String, Role> perSheet = new LinkedHashMap<>();
        Object sheets = object.get("sheets");
        if (sheets != null) {
            if (!(sheets instanceof Map<?, ?> bySheet)) {
                throw CredentialsException.refused("the token's " + ROLES_CLAIM + ".sheets must be an object of sheet id to role");
            }
            for (Map.Entry<?, ?> entry : bySheet.entrySet()) {
                perSheet.put(String.valueOf(entry.getKey()), role(entry.getValue(), ROLES_CLAIM + ".sheets"));
            }
        }
        return new Grants(everySheet, perSheet, admin);
    }

    private static Role role(Object value, String where) throws CredentialsException {
        try {
            if (value instanceof String text) {
                return Role.parse(text);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw CredentialsException.refused("the token's " + where + " has a role that is not none, viewer, editor"
                + " or owner" + (where.endsWith(".role") ? " (or admin)" : ""));
    }

    private static PublicKey readPublicKey(String file) {
        String pem;
        try {
            pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(Setting.TOKEN_PUBLIC_KEY, file, "a readable PEM file (" + e.getMessage() + ")");
        }
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new InvalidSettingException(Setting.TOKEN_PUBLIC_KEY, file, "a PEM file with a -----BEGIN PUBLIC KEY-----"
                    + " block (SubjectPublicKeyInfo; openssl pkey -pubout writes one)");
        }
        String base64 = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(Setting.TOKEN_PUBLIC_KEY, file, "valid base64 inside the PEM block");
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new InvalidSettingException(Setting.TOKEN_PUBLIC_KEY, file, "an RSA or EC public key");
    }

    private static boolean isP256(ECParameterSpec params) {
        return Curve.forECParameterSpec(params) == Curve.P_256;
    }
}
