package dev.livegrid.support;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket session without a socket, for tests that drive rooms directly (the interleavings they
 * need cannot be forced over a network): every text sent completes at once and is recorded, and
 * closes are recorded. Every other method of {@link Session} throws. A stalled session ({@link #stall})
 * records texts but completes none of their sends — a peer that stopped reading — until {@link #flow}.
 */
public final class RecordingSession {

    private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final List<SendHandler> stalled = new java.util.ArrayList<>();
    private boolean stalling;
    private final Session session;

    public RecordingSession() {
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler done) {
                        texts.add((String) args[0]);
                        synchronized (stalled) {
                            if (stalling) {
                                stalled.add(done);
                                return null;
                            }
                        }
                        done.onResult(new SendResult());
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "recording-" + System.identityHashCode(this);
                    case "isOpen" -> closes.isEmpty();
                    case "close" -> {
                        closes.add(args == null ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "")
                                : (CloseReason) args[0]);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "RecordingSession";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    public Session session() {
        return session;
    }

    /** From now on, sends are recorded but do not complete (the peer stopped reading). */
    public RecordingSession stall() {
        synchronized (stalled) {
            stalling = true;
        }
        return this;
    }

    /** Completes the stalled sends, in order, and lets later ones complete at once again. */
    public void flow() {
        List<SendHandler> waiting;
        synchronized (stalled) {
            stalling = false;
            waiting = List.copyOf(stalled);
            stalled.clear();
        }
        waiting.forEach(done -> done.onResult(new SendResult()));
    }

    /** The next text sent, or null if none comes within the timeout. */
    public String nextText(long millis) throws InterruptedException {
        return texts.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Every text sent and not taken yet. */
    public List<String> drainTexts() {
        List<String> out = new java.util.ArrayList<>();
        texts.drainTo(out);
        return out;
    }

    public List<CloseReason> closes() {
        return List.copyOf(closes);
    }
}
