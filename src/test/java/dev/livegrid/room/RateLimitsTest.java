package dev.livegrid.room;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void eachKeyGetsABurstOfTwiceTheRateThenTheRate() {
        RateLimits limits = new RateLimits(2, 100, now::get);
        for (int i = 0; i < 4; i++) {
            assertEquals(Optional.empty(), limits.tryAcquire("a"), "burst op " + i);
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), limits.tryAcquire("a"), "a token in 0.5 s, said as 1 s");
        assertEquals(Optional.empty(), limits.tryAcquire("b"), "another key has its own bucket");
        advance(Duration.ofMillis(499));
        assertTrue(limits.tryAcquire("a").isPresent(), "not yet");
        advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), limits.tryAcquire("a"), "refused attempts took nothing");
        assertTrue(limits.tryAcquire("a").isPresent());
    }

    @Test
    void retryAfterCoversTheWaitInWholeSeconds() {
        RateLimits limits = new RateLimits(1, 100, now::get);
        limits.tryAcquire("a");
        limits.tryAcquire("a");
        assertEquals(Optional.of(Duration.ofSeconds(1)), limits.tryAcquire("a"));
        advance(Duration.ofMillis(10));
        assertEquals(Optional.of(Duration.ofSeconds(1)), limits.tryAcquire("a"), "0.99 s rounds up");
    }

    @Test
    void quietKeysAreForgottenOnceTheirBucketIsFull() {
        RateLimits limits = new RateLimits(10, 100, now::get);
        for (int k = 0; k < 50; k++) {
            limits.tryAcquire("k" + k);
        }
        assertEquals(50, limits.keys());
        advance(Duration.ofMillis(1100)); // refilled 11 tokens: every bucket is full again
        limits.tryAcquire("fresh");
        assertEquals(1, limits.keys(), "only the key just used is left");
    }

    @Test
    void aKeyStillDrainedIsKeptSoItsLimitHolds() {
        RateLimits limits = new RateLimits(1, 100, now::get);
        limits.tryAcquire("a");
        limits.tryAcquire("a");
        advance(Duration.ofMillis(1100)); // one token back, not two
        limits.tryAcquire("other");
        assertEquals(2, limits.keys());
        assertEquals(Optional.empty(), limits.tryAcquire("a"));
        assertTrue(limits.tryAcquire("a").isPresent(), "the sweep did not hand 'a' a fresh burst");
    }

    @Test
    void beyondTheKeyBoundNewKeysShareOneBucket() {
        RateLimits limits = new RateLimits(1, 3, now::get);
        limits.tryAcquire("a");
        limits.tryAcquire("b");
        limits.tryAcquire("c");
        assertEquals(Optional.empty(), limits.tryAcquire("d"));
        assertEquals(Optional.empty(), limits.tryAcquire("e"));
        assertTrue(limits.tryAcquire("f").isPresent(), "d, e and f share the overflow bucket (burst 2)");
        assertEquals(4, limits.keys(), "three keys and the shared bucket");
        assertEquals(Optional.empty(), limits.tryAcquire("a"), "known keys keep their own bucket");
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
