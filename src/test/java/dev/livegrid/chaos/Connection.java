package dev.livegrid.chaos;

import dev.livegrid.room.RoomRegistry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection of a {@link ChaosClient} (a client reconnects with a new one): it hands
 * whole messages to its client, can stop reading (a slow reader), and keeps what one connection must
 * show — versions increasing, and every version after its start either received or named as
 * {@code skipped}.
 */
final class Connection implements WebSocket.Listener {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a client waits for its welcome once the handshake is done: longer than the server's own
     * wait for a sheet that is being loaded, closed or deleted ({@link RoomRegistry#WAIT}), so that the
     * server's answer — the welcome, or 1013 when its wait ran out — comes first, as over HTTP
     * ({@link ChaosHttp#DEADLINE}). With equal waits the client gave up first, and the server could
     * then complete a join the test counted as failed.
     */
    static final Duration WELCOME_DEADLINE = RoomRegistry.WAIT.plusSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** How a connection ended: code and reason (code -1: an error, reason its text). */
    record Ended(int code, String reason) {
    }

    final ChaosClient owner;
    final Long since;
    final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final Object sendLock = new Object();
    private volatile WebSocket ws;
    private volatile boolean paused;
    /** Why the test expects this connection to end (it left, deleted the sheet, restarted...), or null. */
    volatile String endExpected;
    volatile boolean everPaused;
    /**
     * Set while it streams ops far ahead of their acks (a flood, a burst, the delete-at-snapshot writer): its own
     * acks (never merged) can outrun a small outbox-limit, and the server's 1013 then races the client's
     * next send, which the JDK client reports as a broken pipe, a reset or closed input or output.
     */
    volatile boolean everFlooded;

    // guarded by owner
    boolean welcomed;
    long start = -1;
    long maxSeen = -1;
    final BitSet covered = new BitSet();
    /** Who is here, as this connection was told (welcome, then presence changes). */
    final dev.livegrid.support.PresenceModel presence = new dev.livegrid.support.PresenceModel();

    Connection(ChaosClient owner, Long since) {
        this.owner = owner;
        this.since = since;
    }

    /** Opens the socket (the handshake done when this returns; the welcome may still be on its way). */
    void open(URI uri) throws Exception {
        HTTP.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(uri, this)
                .get(CONNECT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    }

    void send(String text) throws Exception {
        synchronized (sendLock) {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        }
    }

    void pause() {
        paused = true;
        everPaused = true;
    }

    void unpause() {
        if (paused) {
            paused = false;
            ws.request(1);
        }
    }

    boolean paused() {
        return paused;
    }

    /** Starts the closing handshake; the end arrives through {@link #onClose}. */
    void close(String why) {
        endExpected = why;
        unpause();
        WebSocket socket = ws;
        if (socket != null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((w, e) -> {
                if (e != null) {
                    socket.abort();
                }
            });
        }
    }

    /** Drops the TCP connection without a closing handshake (the JDK tells the listener nothing of it). */
    void abort(String why) {
        endExpected = why;
        WebSocket socket = ws;
        if (socket != null) {
            socket.abort();
        }
        end(new Ended(-1, "aborted by the client"));
    }

    /** Versions after this connection's start up to {@code upTo} that it neither received nor saw skipped. */
    long firstHoleUpTo(long upTo) {
        if (start < 0) {
            return -1;
        }
        for (long v = start + 1; v <= upTo; v++) {
            if (!covered.get((int) v)) {
                return v;
            }
        }
        return -1;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                owner.receive(this, text);
            } catch (RuntimeException | Error e) {
                // A failure of the test's own client would stop its reading unnoticed: say so instead.
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                owner.problem(this, Promise.P1_SAME_TABLE, "the test client failed on " + Ledger.abbreviate(text) + ": "
                        + Ledger.abbreviate(trace));
            }
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
        owner.problem(this, Promise.P2_VERSIONS, "a binary frame on a sheet connection");
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end(new Ended(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(new Ended(-1, String.valueOf(error)));
    }

    private void end(Ended how) {
        if (ended.complete(how)) {
            owner.ended(this, how);
        }
    }
}
