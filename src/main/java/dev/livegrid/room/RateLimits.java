package dev.livegrid.room;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets by key, for callers that have no connection of their own (HTTP requests): each key
 * may take {@code perSecond} tokens a second, with bursts of twice that, as {@code op-rate} allows one
 * socket. The key is the caller's choice: a user id when the request is authenticated, the client's
 * address when it is not.
 * <p>
 * Memory stays bounded. A bucket that has refilled completely is the same as no bucket, so buckets
 * quiet for that long (two seconds at most) are dropped by a sweep that runs at most once a second, on
 * the thread of whichever request comes then. If even so more than {@code maxKeys} keys were active at
 * once, new keys share one bucket until the sweep makes room: a flood from many addresses is then
 * limited as a whole instead of growing the map.
 */
public final class RateLimits {

    /** Keys with a bucket of their own at most; beyond them new keys share one. */
    public static final int MAX_KEYS = 100_000;
    private static final String OVERFLOW = "\u0000overflow";
    private static final long SWEEP_EVERY = Duration.ofSeconds(1).toNanos();

    private final double perNano;
    private final double burst;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    public RateLimits(int perSecond) {
        this(perSecond, MAX_KEYS, System::nanoTime);
    }

    RateLimits(int perSecond, int maxKeys, LongSupplier nanoClock) {
        if (perSecond < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("a rate and a key count of at least 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = 2.0 * perSecond;
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
        this.lastSweep = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Takes a token for {@code key}: empty when it may go ahead, else how long until it may (at least
     * a second, in whole seconds, as {@code Retry-After} says it). A refused attempt takes nothing.
     */
    public Optional<Duration> tryAcquire(String key) {
        long now = nanoClock.getAsLong();
        sweepIfDue(now);
        String bucketKey = buckets.size() >= maxKeys && !buckets.containsKey(key) ? OVERFLOW : key;
        long[] waitNanos = new long[1];
        buckets.compute(bucketKey, (k, bucket) -> {
            Bucket b = bucket == null ? new Bucket(now) : bucket;
            waitNanos[0] = b.take(now);
            return b;
        });
        if (waitNanos[0] == 0) {
            return Optional.empty();
        }
        long seconds = Math.max(1, (waitNanos[0] + 999_999_999L) / 1_000_000_000L);
        return Optional.of(Duration.ofSeconds(seconds));
    }

    /** Keys that have a bucket now (tests). */
    int keys() {
        return buckets.size();
    }

    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, bucket) -> bucket.fullAt(now) ? null : bucket);
        }
    }

    /** One key's bucket; changed only inside the map's compute, one thread at a time. */
    private final class Bucket {

        private double tokens = burst;
        private long last;

        Bucket(long now) {
            this.last = now;
        }

        /** 0 when a token was taken, else the nanoseconds until one will be there. */
        long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
        }

        boolean fullAt(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - last) * perNano);
            last = now;
        }
    }
}
