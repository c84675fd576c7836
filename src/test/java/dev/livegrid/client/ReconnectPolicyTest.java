package dev.livegrid.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconnect policies: livegrid.js's jittered back-off, a limit, and never. */
class ReconnectPolicyTest {

    @Test
    void theBackOffDoublesFromHalfASecondToTenSecondsHalfOfItRandom() {
        ReconnectPolicy policy = ReconnectPolicy.backoff();
        long[] ceilings = {500, 1000, 2000, 4000, 8000, 10_000, 10_000};
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            for (int draw = 0; draw < 50; draw++) {
                long millis = policy.delay(attempt).orElseThrow().toMillis();
                long ceiling = ceilings[attempt];
                assertTrue(millis >= ceiling / 2 && millis <= ceiling, "attempt " + attempt + ": " + millis);
            }
        }
        long late = ReconnectPolicy.backoff(Duration.ofDays(1), Duration.ofDays(2)).delay(Integer.MAX_VALUE).orElseThrow()
                .toMillis();
        assertTrue(late >= Duration.ofDays(1).toMillis() && late <= Duration.ofDays(2).toMillis(), "no overflow: " + late);
    }

    @Test
    void aLimitedPolicyGivesUpAndNeverNeverTries() {
        ReconnectPolicy twice = ReconnectPolicy.limited(ReconnectPolicy.backoff(), 2);

        assertTrue(twice.delay(1).isPresent());
        assertEquals(Optional.empty(), twice.delay(2));
        assertEquals(Optional.empty(), ReconnectPolicy.never().delay(0));
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
