package dev.livegrid.room;

import dev.livegrid.access.Identity;
import dev.livegrid.access.Role;
import dev.livegrid.session.Outbox;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection in a room: who it is, its outbox, its rate limit, and how many refusals in a row it
 * has earned. {@code role} is touched only by the room's sequencer; the identity
 * is replaced there when the client sends a fresh token, and read anywhere.
 */
public final class Member {

    /** Refusals in a row (malformed frames, rate-limited ops) after which the connection is closed. */
    public static final int MAX_STRIKES = 50;

    private volatile Identity identity;
    private final Outbox outbox;
    private final RateLimit rate;
    private final AtomicInteger strikes = new AtomicInteger();
    /** Ops of this connection in its room and not answered yet (see {@link Admission}). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** What this connection may do; set when it joins, changed by access-list changes and fresh tokens. */
    Role role = Role.NONE;

    public Member(Identity identity, Outbox outbox, int opsPerSecond) {
        this.identity = identity;
        this.outbox = outbox;
        this.rate = new RateLimit(opsPerSecond);
    }

    /** A member who may do everything, as with {@code auth=none}. */
    public Member(String id, String name, Outbox outbox, int opsPerSecond) {
        this(Identity.anonymous(id, name), outbox, opsPerSecond);
    }

    /** The user id: presence shows it and every op of this connection carries it as {@code by}. */
    public String id() {
        return identity.userId();
    }

    public String name() {
        return identity.name();
    }

    public Identity identity() {
        return identity;
    }

    void identity(Identity fresh) {
        this.identity = fresh;
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

    /**
     * Counts one more op in flight if fewer than {@code limit} are (and fewer than {@code max}); else
     * says why not. Only the connection's reading thread adds, so the check and the add cannot race
     * with another add.
     */
    Admission.Refusal startOp(int max, int limit) {
        int now = inFlight.get();
        if (now >= max) {
            return Admission.Refusal.TOO_MANY_IN_FLIGHT;
        }
        if (now >= limit) {
            return Admission.Refusal.CONGESTED;
        }
        inFlight.incrementAndGet();
        return null;
    }

    /** One of this connection's ops was answered. */
    void opAnswered() {
        inFlight.decrementAndGet();
    }

    /** Ops of this connection in its room and not answered yet. */
    int opsInFlight() {
        return inFlight.get();
    }
}
