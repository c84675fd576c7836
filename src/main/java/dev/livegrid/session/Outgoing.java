package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.Executor;

/** One thing an {@link Outbox} writes to its session; {@code send} reports completion exactly once. */
public sealed interface Outgoing {

    void send(Session session, SendHandler done);

    /** Approximate bytes this item holds, for the outbox's byte bound. */
    default long size() {
        return 16;
    }

    /** A whole text message, sent asynchronously. */
    sealed interface TextMessage extends Outgoing {
        String text();

        @Override
        default void send(Session session, SendHandler done) {
            session.getAsyncRemote().sendText(text(), done);
        }

        /** Two bytes a character: what the text costs in memory while it waits. */
        @Override
        default long size() {
            return 16L + 2L * text().length();
        }
    }

    /**
     * A text message carrying a sheet version (a welcome or an applied op). Updates with the same
     * non-null {@code coalesceKey} (one cell) may be merged under backpressure: the newer one is kept,
     * re-encoded by {@code reencode} with the versions it superseded listed as {@code skipped}.
     */
    record Update(String text, long version, String coalesceKey, List<Long> skipped,
                  Function<List<Long>, String> reencode) implements TextMessage {

        public Update {
            skipped = List.copyOf(skipped);
        }

        /** A message that never coalesces. */
        public static Update of(String text, long version) {
            return new Update(text, version, null, List.of(), null);
        }

        /** This update standing in for {@code older} too. */
        Update supersede(Update older) {
            List<Long> all = new ArrayList<>(older.skipped);
            all.add(older.version);
            all.addAll(skipped);
            Collections.sort(all);
            return new Update(reencode.apply(all), version, coalesceKey, all, reencode);
        }

        /** The lowest version this update supersedes, or its own. */
        long oldestVersion() {
            return skipped.isEmpty() ? version : skipped.get(0);
        }
    }

    /**
     * A message only the latest of which matters (presence): a newer one replaces any still queued,
     * and they are the first dropped when the outbox is full.
     */
    record Droppable(String text) implements TextMessage {
    }

    /** A whole text message. */
    record Text(String text) implements TextMessage {
    }

    /** A whole binary message. */
    record Binary(ByteBuffer data) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            session.getAsyncRemote().sendBinary(data.duplicate(), done);
        }

        @Override
        public long size() {
            return 16L + data.remaining();
        }
    }

    /** A ping; its pong arrives at the endpoint's pong handler. */
    record Ping(ByteBuffer payload) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            try {
                session.getAsyncRemote().sendPing(payload.duplicate());
                done.onResult(new SendResult());
            } catch (IOException | IllegalArgumentException e) {
                done.onResult(new SendResult(e));
            }
        }
    }

    /** The close handshake; nothing queued after it is sent. */
    record Close(CloseReason reason) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            try {
                session.close(reason);
                done.onResult(new SendResult());
            } catch (IOException e) {
                done.onResult(new SendResult(e));
            }
        }
    }

    /**
     * A message sent as fragments of at most {@code fragmentSize} bytes. The Jakarta API has no
     * asynchronous partial send, so the blocking partial sends run on {@code blockingSends}.
     */
    record Fragmented(Object message, int fragmentSize, Executor blockingSends) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            blockingSends.execute(() -> {
                try {
                    if (message instanceof String text) {
                        for (var it = Fragments.ofText(text, fragmentSize); it.hasNext(); ) {
                            String part = it.next();
                            session.getBasicRemote().sendText(part, !it.hasNext());
                        }
                    } else {
                        ByteBuffer data = ((ByteBuffer) message).duplicate();
                        for (var it = Fragments.ofBinary(data, fragmentSize); it.hasNext(); ) {
                            ByteBuffer part = it.next();
                            session.getBasicRemote().sendBinary(part, !it.hasNext());
                        }
                    }
                    done.onResult(new SendResult());
                } catch (IOException | RuntimeException e) {
                    done.onResult(new SendResult(e));
                }
            });
        }
    }
}
