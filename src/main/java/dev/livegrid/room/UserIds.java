package dev.livegrid.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The public id of a sheet member ({@code you}, {@code by}, presence): derived from the client's
 * secret key when it sends one, so the same client keeps its id across reconnects and restarts (its
 * resent ops are recognised by author, op id and content), while nobody can work the key out from
 * the id others see; random per connection otherwise.
 */
public final class UserIds {

    private UserIds() {
    }

    /** {@code u-} and 16 hex digits of SHA-256 of the key. */
    public static String of(String clientKey) {
        if (clientKey == null) {
            return random();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("livegrid-client:" + clientKey).getBytes(StandardCharsets.UTF_8));
            return "u-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A random id: a client without a key is a new user on each connection. */
    public static String random() {
        return "u-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }
}
