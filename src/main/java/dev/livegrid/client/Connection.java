package dev.livegrid.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WebSocket of a client, from handshake to close. It hands each whole text message to the event
 * thread and asks the WebSocket for the next one only once that message was handled, so a slow client
 * never holds more than one message (the server keeps the rest, within its own bounds); and it sends
 * one frame at a time, as the JDK requires, queueing the others in order.
 */
final class Connection implements WebSocket.Listener {

    /** What a connection reports, always on the event thread. */
    interface Events {
        void message(Connection from, String text);

        /** The handshake failed: {@code failure} as {@code buildAsync} reported it. */
        void refused(Connection from, Throwable failure);

        /** The connection ended; {@code failure} is what broke it, or null after a close frame. */
        void ended(Connection from, Disconnection how, Throwable failure);
    }

    private final EventThread thread;
    private final Events events;
    private final long maxMessageChars;
    private final String token;
    private final Duration keepAlive;
    /** A ping of the keep-alive is out and its pong has not come; read and set on the event thread, cleared by onPong. */
    private volatile boolean pongDue;

    /** Fragments of the message being received; only the JDK's listener calls touch it, one at a time. */
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    // guarded by this
    private final ArrayDeque<String> unsent = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;

    /**
     * @param token the bearer token this connection's handshake carries, or null
     */
    Connection(EventThread thread, Events events, long maxMessageChars, String token, Duration keepAlive) {
        this.thread = thread;
        this.events = events;
        this.maxMessageChars = maxMessageChars;
        this.token = token;
        this.keepAlive = keepAlive;
    }

    String token() {
        return token;
    }

    /** Starts the handshake; its failure comes back through {@link Events#refused}. */
    void open(HttpClient http, URI uri, Duration connectTimeout) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        builder.buildAsync(uri, this).whenComplete((ws, failure) -> {
            if (failure != null) {
                thread.run(() -> events.refused(this, failure));
            } else if (isClosed() || !thread.isRunning()) {
                ws.abort(); // let go of while its handshake was under way
            }
        });
    }

    // ---------------------------------------------------------------- receiving (the JDK's listener thread)

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        if (isClosed()) {
            webSocket.abort();
            return;
        }
        webSocket.request(1);
        if (!keepAlive.isZero()) {
            thread.schedule(this::checkAlive, keepAlive);
        }
    }

    /**
     * On the event thread every {@code keepAlive}: a ping whose pong has not come by now means the connection
     * is gone even if the JDK has not said so (it does not always report a TCP close without a close frame).
     */
    private void checkAlive() {
        WebSocket ws = socket;
        if (isClosed() || ws == null || ws.isInputClosed()) {
            return;
        }
        if (pongDue) {
            abort();
            events.ended(this, new Disconnection(Disconnection.ABNORMAL, "no pong within " + keepAlive.toMillis()
                    + " ms (LiveGridClient.Builder.keepAlive)"), null);
            return;
        }
        pongDue = true;
        try {
            ws.sendPing(ByteBuffer.allocate(0));
        } catch (IllegalStateException previousStillGoing) {
            // the last ping is still being written: the next check decides
        }
        thread.schedule(this::checkAlive, keepAlive);
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongDue = false;
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (partial.length() > maxMessageChars) {
            partial.setLength(0);
            webSocket.abort();
            thread.run(() -> events.ended(this, new Disconnection(1009, "a message from the server was longer than "
                    + maxMessageChars + " characters (LiveGridClient.Builder.maxMessageSize)"), null));
            return null;
        }
        if (!last) {
            webSocket.request(1);
            return null;
        }
        String text = partial.toString();
        partial.setLength(0);
        boolean handed = thread.run(() -> {
            try {
                events.message(this, text);
            } finally {
                webSocket.request(1);
            }
        });
        if (!handed) {
            webSocket.abort(); // the client has stopped
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1); // not a message of the sheet protocol
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        thread.run(() -> events.ended(this, new Disconnection(statusCode, reason), null));
        return null; // the JDK answers with the same code
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        thread.run(() -> events.ended(this, new Disconnection(Disconnection.ABNORMAL, describe(error)), error));
    }

    // ---------------------------------------------------------------- sending (any thread)

    /** Sends a text frame after those already queued; dropped once the connection is closed. */
    void send(String text) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (sending) {
                unsent.add(text);
                return;
            }
            sending = true;
        }
        write(text);
    }

    /** Writes frames one after the other, looping rather than recursing while sends complete at once. */
    private void write(String first) {
        String text = first;
        while (text != null) {
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(text, true);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            if (!sent.isDone()) {
                sent.whenComplete((ws, failure) -> {
                    String next = next(failure);
                    if (next != null) {
                        write(next);
                    }
                });
                return;
            }
            text = next(sent.isCompletedExceptionally() ? failureOf(sent) : null);
        }
    }

    private String next(Throwable failure) {
        if (failure != null) {
            sendFailed(failure);
            return null;
        }
        synchronized (this) {
            String next = closed ? null : unsent.poll();
            if (next == null) {
                sending = false;
            }
            return next;
        }
    }

    private void sendFailed(Throwable failure) {
        synchronized (this) {
            closed = true;
            unsent.clear();
        }
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        thread.run(() -> events.ended(this, new Disconnection(Disconnection.ABNORMAL, "sending failed: "
                + describe(failure)), failure));
    }

    // ---------------------------------------------------------------- closing

    /**
     * Sends a close frame with this code and reason, waits for it to be written (at most {@code patience}),
     * then cuts the connection. Frames not yet sent are dropped; later events of this connection are
     * the caller's to ignore.
     */
    void close(int code, String reason, Duration patience) {
        synchronized (this) {
            closed = true;
            unsent.clear();
        }
        WebSocket ws = socket;
        if (ws == null) {
            return; // still in its handshake: open() aborts it when it completes
        }
        try {
            ws.sendClose(code, reason).get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the connection is gone or stuck; it is cut below either way
        } finally {
            ws.abort();
        }
    }

    /** Cuts the connection at once, without a close frame. */
    void abort() {
        synchronized (this) {
            closed = true;
            unsent.clear();
        }
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
