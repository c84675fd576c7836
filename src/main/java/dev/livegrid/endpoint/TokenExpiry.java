package dev.livegrid.endpoint;

import dev.livegrid.access.Identity;
import dev.livegrid.access.TokenVerifier;
import dev.livegrid.room.Member;
import jakarta.websocket.CloseReason;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection with 4001 when its token expires (with the same clock leeway a token is
 * accepted with), unless the client sent a fresh one before: then it waits for that one's expiry.
 * One timer per connection on the shared scheduler, cancelled when the connection closes.
 */
final class TokenExpiry {

    /** Close code: the connection's token expired. */
    static final int TOKEN_EXPIRED = 4001;
    private static final Duration LEEWAY = Duration.ofSeconds(TokenVerifier.CLOCK_SKEW_SECONDS);

    private final ScheduledExecutorService scheduler;
    private final Member member;
    private ScheduledFuture<?> timer;
    private boolean cancelled;

    private TokenExpiry(ScheduledExecutorService scheduler, Member member) {
        this.scheduler = scheduler;
        this.member = member;
    }

    /** Watches the member's token, if it has one that expires; null otherwise. */
    static TokenExpiry watch(ScheduledExecutorService scheduler, Member member) {
        if (member.identity().expires() == null) {
            return null;
        }
        TokenExpiry expiry = new TokenExpiry(scheduler, member);
        expiry.schedule();
        return expiry;
    }

    synchronized void cancel() {
        cancelled = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private synchronized void schedule() {
        if (cancelled) {
            return;
        }
        Instant deadline = member.identity().expires().plus(LEEWAY);
        long delay = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        timer = scheduler.schedule(this::check, delay, TimeUnit.MILLISECONDS);
    }

    private void check() {
        Identity identity = member.identity();
        if (identity.expiredAt(Instant.now().minus(LEEWAY))) {
            member.outbox().close(new CloseReason(CloseReason.CloseCodes.getCloseCode(TOKEN_EXPIRED), "token expired"));
        } else {
            schedule(); // a fresh token arrived: wait for its expiry
        }
    }
}
