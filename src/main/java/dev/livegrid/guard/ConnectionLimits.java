package dev.livegrid.guard;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts open WebSockets, in all and per client ({@link ClientAddress}), against {@code max-connections}
 * and {@code max-connections-per-address}. A handshake takes a {@link Slot} before it is upgraded, or
 * is refused: {@code 503} when the server is full, {@code 429} when its client is, both with
 * {@code Retry-After}. Whoever took a slot closes it when the connection ends, however it ends; a slot
 * closes once however often it is closed, so the count never leaks and never goes below zero.
 * <p>
 * Taking and closing a slot hold one lock for a few map operations: handshakes are far rarer than
 * frames, and a lock makes the two limits one atomic decision.
 */
public final class ConnectionLimits {

    /** How long a refused client is asked to wait: a slot frees whenever someone leaves, which nobody can predict. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final int maxConnections;
    private final int maxPerClient;
    private final Map<String, Integer> perClient = new HashMap<>();
    private int open;

    public ConnectionLimits(int maxConnections, int maxPerClient) {
        if (maxConnections < 1 || maxPerClient < 1) {
            throw new IllegalArgumentException("limits must be at least 1");
        }
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
    }

    /** A slot for a new WebSocket from {@code client} (a {@link ClientAddress}), or why there is none. */
    public synchronized Admission admit(String client) {
        if (open >= maxConnections) {
            return new Admission.Refused(new Refusal(503, "The server has its maximum of " + maxConnections
                    + " WebSocket connections open (livegrid.max-connections); try again later.", retryAfter()));
        }
        int ofClient = perClient.getOrDefault(client, 0);
        if (ofClient >= maxPerClient) {
            return new Admission.Refused(new Refusal(429, "Your address (" + client + ") has its maximum of " + maxPerClient
                    + " WebSocket connections open (livegrid.max-connections-per-address); close one or try again later.",
                    retryAfter()));
        }
        open++;
        perClient.put(client, ofClient + 1);
        return new Admission.Admitted(new Slot(client));
    }

    /** WebSockets open (or admitted and being upgraded) in all. */
    public synchronized int open() {
        return open;
    }

    /** WebSockets open (or admitted and being upgraded) from {@code client}. */
    public synchronized int open(String client) {
        return perClient.getOrDefault(client, 0);
    }

    private synchronized void release(String client) {
        open--;
        perClient.computeIfPresent(client, (c, n) -> n == 1 ? null : n - 1);
    }

    private static Map<String, String> retryAfter() {
        return Map.of("Retry-After", String.valueOf(RETRY_AFTER.toSeconds()));
    }

    /** What {@link #admit} decided. */
    public sealed interface Admission {

        /** A slot to close when the connection ends. */
        record Admitted(Slot slot) implements Admission {
        }

        /** The HTTP answer to refuse the handshake with. */
        record Refused(Refusal refusal) implements Admission {
        }
    }

    /** One counted WebSocket. */
    public final class Slot {

        private final String client;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Slot(String client) {
            this.client = client;
        }

        /** Stops counting this connection; only the first call counts. */
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release(client);
            }
        }
    }
}
