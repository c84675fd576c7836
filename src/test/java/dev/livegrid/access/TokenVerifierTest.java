package dev.livegrid.access;

import com.nimbusds.jose.util.Base64URL;
import dev.livegrid.config.AuthSettings;
import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;
import dev.livegrid.support.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a token must be to be accepted, and what it grants (issue: tokens and roles). */
class TokenVerifierTest {

    @TempDir
    Path dir;

    private static TokenVerifier hs256(String issuer, String audience) {
        return new TokenVerifier(new AuthSettings(AuthSettings.Mode.TOKEN, Tokens.SECRET, "", issuer, audience));
    }

    private static String refusal(TokenVerifier verifier, String token) {
        CredentialsException e = assertThrows(CredentialsException.class, () -> verifier.verify(token));
        assertFalse(e.missing());
        assertFalse(!token.isEmpty() && e.getMessage().contains(token), "the message quotes the token: " + e.getMessage());
        return e.getMessage();
    }

    private static Date in(Duration d) {
        return Date.from(Instant.now().plus(d));
    }

    @Test
    void aValidTokenGivesItsSubjectNameExpiryAndRoles() throws Exception {
        Instant exp = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = Tokens.hs256().mint(b -> b.subject("alice").expirationTime(Date.from(exp)).claim("name", "Alice A.")
                .claim("livegrid", Map.of("role", "viewer", "sheets", Map.of("team", "owner", "*", "editor"))));
        Identity alice = hs256("", "").verify(token);
        assertEquals("alice", alice.userId());
        assertEquals("Alice A.", alice.name());
        assertEquals(exp, alice.expires());
        assertTrue(alice.verified());
        assertEquals(Role.OWNER, alice.grants().on("team"));
        assertEquals(Role.EDITOR, alice.grants().on("other"), "* wins over role");
        assertFalse(alice.isAdmin());
    }

    @Test
    void withoutANameTheSubjectIsShownAndWithoutRolesThereAreNone() throws Exception {
        Identity bob = hs256("", "").verify(Tokens.hs256().mint("bob", null));
        assertEquals("bob", bob.name());
        assertEquals(Role.NONE, bob.grants().on("demo"));
        Identity admin = hs256("", "").verify(Tokens.hs256().withRole("root", "admin"));
        assertTrue(admin.isAdmin());
        assertEquals(Role.OWNER, admin.grants().on("anything"));
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String header = Base64URL.encode("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)).toString();
        String claims = Base64URL.encode(("{\"sub\":\"eve\",\"exp\":" + (Instant.now().getEpochSecond() + 600)
                + ",\"livegrid\":{\"role\":\"admin\"}}").getBytes(StandardCharsets.UTF_8)).toString();
        refusal(hs256("", ""), header + "." + claims + ".");
        refusal(hs256("", ""), header + "." + claims);
    }

    @Test
    void aTokenSignedWithAnotherSecretOrTamperedWithIsRefused() {
        String other = Tokens.hs256("another-secret-of-forty-bytes-0123456789").withRole("eve", "admin");
        refusal(hs256("", ""), other);
        String good = Tokens.hs256().withRole("eve", "viewer");
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(("{\"sub\":\"eve\",\"exp\":" + (Instant.now().getEpochSecond() + 600)
                + ",\"livegrid\":{\"role\":\"admin\"}}").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        refusal(hs256("", ""), forged);
        refusal(hs256("", ""), "not-a-token");
        refusal(hs256("", ""), "");
    }

    @Test
    void aTokenOfAnotherKeyTypeIsRefused() throws Exception {
        KeyPair rsa = Tokens.rsaKeys();
        Path pem = Tokens.pem(rsa.getPublic(), dir);
        TokenVerifier rsaOnly = new TokenVerifier(new AuthSettings(AuthSettings.Mode.TOKEN, "", pem.toString(), "", ""));
        assertEquals("carol", rsaOnly.verify(Tokens.rs256(rsa).withRole("carol", "editor")).userId());
        refusal(rsaOnly, Tokens.hs256().withRole("eve", "admin"));
        refusal(hs256("", ""), Tokens.rs256(rsa).withRole("eve", "admin"));
        // HS256 signed with the public key's bytes as the secret (the classic algorithm confusion)
        String confused = Tokens.hs256(new String(java.util.Base64.getEncoder().encode(rsa.getPublic().getEncoded()),
                StandardCharsets.US_ASCII)).withRole("eve", "admin");
        refusal(rsaOnly, confused);
    }

    @Test
    void es256OnP256IsAcceptedAndOtherCurvesAreRefusedAtStartUp() throws Exception {
        KeyPair ec = Tokens.ecKeys("secp256r1");
        TokenVerifier verifier = new TokenVerifier(new AuthSettings(AuthSettings.Mode.TOKEN, "",
                Tokens.pem(ec.getPublic(), dir).toString(), "", ""));
        assertEquals("dave", verifier.verify(Tokens.es256(ec).withRole("dave", "viewer")).userId());
        refusal(verifier, Tokens.es256(Tokens.ecKeys("secp256r1")).withRole("eve", "admin"));
        Path p384 = Tokens.pem(Tokens.ecKeys("secp384r1").getPublic(), dir);
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> new TokenVerifier(
                new AuthSettings(AuthSettings.Mode.TOKEN, "", p384.toString(), "", "")));
        assertEquals(Setting.TOKEN_PUBLIC_KEY, e.setting());
    }

    @Test
    void expiryAndNotBeforeAreCheckedWithAMinuteOfLeeway() throws Exception {
        TokenVerifier verifier = hs256("", "");
        Tokens tokens = Tokens.hs256();
        assertEquals("late", verifier.verify(tokens.mint(b -> b.subject("late").expirationTime(in(Duration.ofSeconds(-30))))).userId());
        refusal(verifier, tokens.mint(b -> b.subject("old").expirationTime(in(Duration.ofSeconds(-90)))));
        refusal(verifier, tokens.mint(b -> b.subject("early").expirationTime(in(Duration.ofHours(1)))
                .notBeforeTime(in(Duration.ofSeconds(90)))));
        assertEquals("soon", verifier.verify(tokens.mint(b -> b.subject("soon").expirationTime(in(Duration.ofHours(1)))
                .notBeforeTime(in(Duration.ofSeconds(30))))).userId());
    }

    @Test
    void subAndExpAreRequired() {
        TokenVerifier verifier = hs256("", "");
        refusal(verifier, Tokens.hs256().mint(b -> b.expirationTime(in(Duration.ofHours(1)))));
        refusal(verifier, Tokens.hs256().mint(b -> b.subject("forever")));
        refusal(verifier, Tokens.hs256().mint(b -> b.subject("").expirationTime(in(Duration.ofHours(1)))));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenSet() throws Exception {
        TokenVerifier verifier = hs256("https://id.example", "livegrid");
        Tokens tokens = Tokens.hs256();
        assertEquals("ok", verifier.verify(tokens.mint(b -> b.subject("ok").expirationTime(in(Duration.ofHours(1)))
                .issuer("https://id.example").audience(java.util.List.of("other", "livegrid")))).userId());
        refusal(verifier, tokens.mint(b -> b.subject("x").expirationTime(in(Duration.ofHours(1)))
                .issuer("https://evil.example").audience("livegrid")));
        refusal(verifier, tokens.mint(b -> b.subject("x").expirationTime(in(Duration.ofHours(1)))
                .issuer("https://id.example").audience("another-app")));
        refusal(verifier, tokens.mint(b -> b.subject("x").expirationTime(in(Duration.ofHours(1)))
                .audience("livegrid")));
    }

    @Test
    void aRoleThatIsNotOneIsRefused() {
        TokenVerifier verifier = hs256("", "");
        refusal(verifier, Tokens.hs256().mint("x", Map.of("role", "superuser")));
        refusal(verifier, Tokens.hs256().mint("x", Map.of("sheets", Map.of("team", "admin"))));
        refusal(verifier, Tokens.hs256().mint("x", Map.of("sheets", "team")));
        refusal(verifier, Tokens.hs256().mint(b -> b.subject("x").expirationTime(in(Duration.ofHours(1))).claim("livegrid", "editor")));
    }

    @Test
    void aShortSecretOrAMissingKeyStopsStartUpNamingTheSettingWithoutShowingTheSecret() {
        InvalidSettingException shortSecret = assertThrows(InvalidSettingException.class,
                () -> new AuthSettings(AuthSettings.Mode.TOKEN, "only-twenty-bytes!!!", "", "", ""));
        assertEquals(Setting.TOKEN_SECRET, shortSecret.setting());
        assertFalse(shortSecret.getMessage().contains("only-twenty-bytes"), shortSecret.getMessage());
        InvalidSettingException noKey = assertThrows(InvalidSettingException.class,
                () -> new AuthSettings(AuthSettings.Mode.TOKEN, "", "", "", ""));
        assertEquals(Setting.AUTH, noKey.setting());
        assertTrue(noKey.getMessage().contains("livegrid.token-secret"), noKey.getMessage());
        InvalidSettingException noFile = assertThrows(InvalidSettingException.class, () -> new TokenVerifier(
                new AuthSettings(AuthSettings.Mode.TOKEN, "", dir.resolve("missing.pem").toString(), "", "")));
        assertEquals(Setting.TOKEN_PUBLIC_KEY, noFile.setting());
        assertFalse(new AuthSettings(AuthSettings.Mode.TOKEN, Tokens.SECRET, "", "", "").toString().contains(Tokens.SECRET));
    }

    @Test
    void theAccessListOverridesGrantsAndAnAdminOwnsEverything() {
        Identity bob = new Identity("bob", "Bob", new Grants(Role.EDITOR, Map.of("team", Role.OWNER), false), null, true);
        assertEquals(Role.OWNER, AccessPolicy.roleOf(bob, "team", Map.of()));
        assertEquals(Role.VIEWER, AccessPolicy.roleOf(bob, "team", Map.of("bob", Role.VIEWER)), "an owner downgraded him");
        assertEquals(Role.NONE, AccessPolicy.roleOf(bob, "other", Map.of("bob", Role.NONE)), "shut out");
        assertEquals(Role.EDITOR, AccessPolicy.roleOf(bob, "other", Map.of("alice", Role.NONE)));
        Identity admin = new Identity("root", "Root", new Grants(null, Map.of(), true), null, true);
        assertEquals(Role.OWNER, AccessPolicy.roleOf(admin, "team", Map.of("root", Role.NONE)));
    }
}
