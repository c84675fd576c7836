package dev.livegrid.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a {@link LiveGridClient} that lost its connection tries again. Asked before every attempt with
 * the number of attempts since the last successful join (0 for the first); an empty answer gives up,
 * and the client closes ({@link Status#CLOSED}). A disconnect that retrying cannot change (sheet
 * deleted, access revoked, token expired, policy close, handshake refused with 400/401/403) is never
 * retried, whatever the policy says.
 */
@FunctionalInterface
public interface ReconnectPolicy {

    /** How long to wait before reconnect attempt {@code attempt} (from 0), or empty to stop reconnecting. */
    Optional<Duration> delay(int attempt);

    /**
     * What the page does (livegrid.js): 0.5 s doubling up to 10 s, half of it random so that many
     * clients spread out, for ever. The default.
     */
    static ReconnectPolicy backoff() {
        return backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    /**
     * Waits {@code first}, doubling each attempt up to {@code max}; each wait is between half of that
     * ceiling and all of it, at random. Never gives up.
     */
    static ReconnectPolicy backoff(Duration first, Duration max) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < first <= max, not " + first + " and " + max);
        }
        long firstMillis = Math.max(1, first.toMillis());
        long maxMillis = Math.max(firstMillis, max.toMillis());
        return attempt -> {
            long ceiling = firstMillis;
            for (int i = 0; i < attempt && ceiling < maxMillis; i++) {
                ceiling = Math.min(maxMillis, ceiling * 2); // doubling stops at max, so it cannot overflow
            }
            long half = ceiling / 2;
            return Optional.of(Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1)));
        };
    }

    /** As {@code policy}, but gives up after {@code attempts} attempts in a row without a join. */
    static ReconnectPolicy limited(ReconnectPolicy policy, int attempts) {
        Objects.requireNonNull(policy, "policy");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be 0 or more, not " + attempts);
        }
        return attempt -> attempt < attempts ? policy.delay(attempt) : Optional.empty();
    }

    /** Never reconnects: the first disconnect closes the client. */
    static ReconnectPolicy never() {
        return attempt -> Optional.empty();
    }
}
