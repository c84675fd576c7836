package dev.livegrid.room;

import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.session.Outbox;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection in a room: who it is, its outbox, its rate limit, and how many refusals in a row it
 * has earned. {@code focus} is touched only by the room's sequencer.
 */
public final class Member {

    /** Refusals in a row (malformed frames, rate-limited ops) after which the connection is closed. */
    public static final int MAX_STRIKES = 50;

    private final String id;
    private final String name;
    private final Outbox outbox;
    private final RateLimit rate;
    private final AtomicInteger strikes = new AtomicInteger();
    ServerMessage.Focus focus;

    public Member(String id, String name, Outbox outbox, int opsPerSecond) {
        this.id = id;
        this.name = name;
        this.outbox = outbox;
        this.rate = new RateLimit(opsPerSecond);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Outbox outbox() {
        return outbox;
    }

    boolean tryAcquire() {
        return rate.tryAcquire();
    }

    /** Counts a refusal; true when the client has kept at it long enough to be disconnected. */
    boolean strike() {
        return strikes.incrementAndGet() >= MAX_STRIKES;
    }

    void clearStrikes() {
        strikes.set(0);
    }

    ServerMessage.User user() {
        return new ServerMessage.User(id, name, focus);
    }
}
