package dev.livegrid.access;

import dev.livegrid.config.AuthSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's shell recipe for minting an HS256 token, run as written: the token it makes must be
 * accepted by a server configured with the secret it made, for the user and role it names.
 */
class AccessReadmeExampleTest {

    private static final String MARKER = "<!-- token-example: AccessReadmeExampleTest runs this block -->";

    @Test
    void theReadmesTokenRecipeMakesATokenTheServerAccepts() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int marker = readme.indexOf(MARKER);
        assertTrue(marker >= 0, "README.md lost its token example marker");
        int start = readme.indexOf("```sh\n", marker) + "```sh\n".length();
        String recipe = readme.substring(start, readme.indexOf("```", start));
        Process shell = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + recipe
                + "\nprintf '%s\\n%s\\n' \"$SECRET\" \"$TOKEN\"").redirectErrorStream(true).start();
        assertTrue(shell.waitFor(30, TimeUnit.SECONDS), "the recipe did not finish");
        String out = new String(shell.getInputStream().readAllBytes()).strip();
        assertEquals(0, shell.exitValue(), out);
        String[] lines = out.split("\n");
        String secret = lines[lines.length - 2];
        String token = lines[lines.length - 1];

        Identity alice = new TokenVerifier(new AuthSettings(AuthSettings.Mode.TOKEN, secret, "", "", "")).verify(token);
        assertEquals("alice", alice.userId());
        assertEquals("Alice", alice.name());
        assertEquals(Role.EDITOR, alice.grants().on("any-sheet"));
        Duration left = Duration.between(Instant.now(), alice.expires());
        assertTrue(left.toMinutes() >= 55 && left.toMinutes() <= 60, "expires in an hour: " + left);
    }
}
