package com.example.echo;

import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client under test: a small text WebSocket client of the kind a team writes for its own
 * service. It hands whole messages to {@link #receive}, reports how the connection ended, and
 * notices a dead connection by pinging: every {@link #KEEP_ALIVE}, a ping whose pong has not come by
 * the next one ends the connection as 1006. (The JDK's WebSocket does not always report a TCP
 * connection the server closed without a close frame; LiveGrid's {@code /echo?dropAfter=1} shows it.)
 */
public final class EchoClient implements AutoCloseable {

    /** How the connection ended: a close code and reason, or 1006 with the error when no close frame came. */
    public record Ended(int code, String reason) {
    }

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    public static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

    private final BlockingQueue<CompletableFuture<Void>> pongs = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "echo-client-keep-alive");
        thread.setDaemon(true);
        return thread;
    });
    private volatile CompletableFuture<Void> lastPing = CompletableFuture.completedFuture(null);
    private final WebSocket socket;
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null); // guarded by this

    private EchoClient(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener()).join();
        long period = KEEP_ALIVE.toMillis();
        keepAlive.scheduleAtFixedRate(this::checkAlive, period, period, TimeUnit.MILLISECONDS);
        ended.whenComplete((how, error) -> keepAlive.shutdownNow());
    }

    private void checkAlive() {
        if (!lastPing.isDone()) {
            ended.complete(new Ended(1006, "no pong within " + KEEP_ALIVE.toMillis() + " ms"));
            socket.abort();
            return;
        }
        lastPing = ping();
    }

    public static EchoClient connect(URI uri) {
        return new EchoClient(uri);
    }

    /**
     * Queues a message; the JDK's WebSocket takes one send at a time, so each starts when the one
     * before it has been handed to TCP. While the server does not read, the returned futures wait.
     */
    public synchronized CompletableFuture<WebSocket> send(String text) {
        lastSend = lastSend.thenCompose(previous -> socket.sendText(text, true));
        return lastSend;
    }

    /** The next whole message, or a TimeoutException when none comes in time. */
    public String receive(Duration timeout) throws InterruptedException, TimeoutException {
        String message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new TimeoutException("no message within " + timeout);
        }
        return message;
    }

    /** Completes when the connection is over, however it ended. */
    public CompletableFuture<Ended> ended() {
        return ended;
    }

    /** Pings the server; completes when its pong arrives, which a healthy server sends at once. */
    public CompletableFuture<Void> ping() {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        pongs.add(pong);
        socket.sendPing(ByteBuffer.allocate(0));
        return pong;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
        keepAlive.shutdownNow();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            CompletableFuture<Void> pong = pongs.poll();
            if (pong != null) {
                pong.complete(null);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete(new Ended(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(new Ended(1006, String.valueOf(error)));
        }
    }
}
