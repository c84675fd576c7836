package dev.livegrid.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The bearer token a client's handshakes carry, and fresh ones handed over before it expires
 * (docs/PROTOCOL.md §7.7), as livegrid.js keeps them: on an open connection a fresh token goes as an
 * {@code auth} message and replaces the current one once the server accepts it (answers come in the
 * order the tokens were sent); otherwise the next handshake carries it. Event thread only.
 */
final class TokenHandover {

    private record Offered(String token, List<CompletableFuture<Void>> results) {
    }

    /** The token the next handshake carries: the one given, or the newest the server accepted. */
    private String current;
    /** Sent as {@code auth} on the current connection and not answered yet, oldest first. */
    private final Deque<Offered> offered = new ArrayDeque<>();
    /** Callers whose token the next handshake carries. */
    private final List<CompletableFuture<Void>> awaitingJoin = new ArrayList<>();

    TokenHandover(String initial) {
        this.current = initial;
    }

    String forHandshake() {
        return current;
    }

    /** A fresh token for the open connection; returns the {@code auth} frame to send. */
    String offer(String fresh, CompletableFuture<Void> result) {
        offered.add(new Offered(fresh, List.of(result)));
        return Wire.auth(fresh);
    }

    /** A fresh token while no connection is joined: the next handshake carries it. */
    void forNextHandshake(String fresh, CompletableFuture<Void> result) {
        current = fresh;
        awaitingJoin.add(result);
    }

    /**
     * A connection whose handshake carried {@code handshakeToken} joined. If a fresh token was handed over
     * while that handshake was under way, returns the {@code auth} frame that hands it to the connection
     * (which runs on the token its handshake carried); else those waiting hear that their token was taken,
     * and null is returned.
     */
    String joined(String handshakeToken) {
        if (awaitingJoin.isEmpty()) {
            return null;
        }
        List<CompletableFuture<Void>> results = List.copyOf(awaitingJoin);
        awaitingJoin.clear();
        if (Objects.equals(current, handshakeToken)) {
            results.forEach(r -> r.complete(null));
            return null;
        }
        String fresh = current;
        offered.add(new Offered(fresh, results));
        current = handshakeToken;
        return Wire.auth(fresh);
    }

    /** The server answered {@code authenticated}: the oldest offered token is the current one now. */
    void accepted() {
        Offered accepted = offered.poll();
        if (accepted != null) {
            current = accepted.token();
            accepted.results().forEach(r -> r.complete(null));
        }
    }

    /** The server answered {@code bad-token}: the oldest offered token was refused; the current one stays. */
    void refused(String message) {
        Offered refused = offered.poll();
        if (refused != null) {
            refused.results().forEach(r -> r.completeExceptionally(new TokenRefusedException(message)));
        }
    }

    /** The connection ended with fresh tokens unanswered: the next handshake carries the newest. */
    void connectionLost() {
        if (offered.isEmpty()) {
            return;
        }
        current = offered.peekLast().token();
        offered.forEach(o -> awaitingJoin.addAll(o.results()));
        offered.clear();
    }

    void failAll(Throwable reason) {
        offered.forEach(o -> o.results().forEach(r -> r.completeExceptionally(reason)));
        offered.clear();
        awaitingJoin.forEach(r -> r.completeExceptionally(reason));
        awaitingJoin.clear();
    }
}
