package dev.livegrid.access;

import java.time.Instant;

/**
 * Who is calling: the user id others see (presence, an op's {@code by}), the display name, the
 * grants that came with the credentials, and when those credentials stop being valid.
 *
 * @param userId  a token's {@code sub}, the container's principal name, or with {@code auth=none} an
 *                id derived from the client's key
 * @param name    display name
 * @param grants  roles the credentials give
 * @param expires when the credentials expire (a token's {@code exp}), or null when they do not
 * @param verified whether the credentials were checked (false only with {@code auth=none})
 */
public record Identity(String userId, String name, Grants grants, Instant expires, boolean verified) {

    /** Anyone, with {@code auth=none}: may do everything, under a name they chose themselves. */
    public static Identity anonymous(String userId, String name) {
        return new Identity(userId, name, Grants.EVERYTHING, null, false);
    }

    public boolean isAdmin() {
        return grants.admin();
    }

    /** Whether the credentials have expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }
}
