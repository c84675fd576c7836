package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Function;

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

        /** The message as one server frame (for a {@link FrameChannel}), with a position and limit of its own. */
        default ByteBuffer frame() {
            return ServerFrames.text(text());
        }
    }

    /**
     * A text message carrying a sheet version (a welcome or an applied op), of which an outbox under
     * backpressure may drop older ones of a cell (same non-null {@code coalesceKey}): {@code skipped}
     * lists the versions missing right before it (written into the text by {@code reencode}; without
     * one nothing is dropped right before it) and {@code standsFor} those whose change it carries too.
     */
    record Update(String text, long version, String coalesceKey, List<Long> skipped, List<Long> standsFor,
                  Function<List<Long>, String> reencode, FramedText framed) implements TextMessage {

        public Update {
            skipped = List.copyOf(skipped);
            standsFor = List.copyOf(standsFor);
            if (framed == null) {
                framed = FramedText.of(text);
            }
        }

        public Update(String text, long version, String coalesceKey, List<Long> skipped, List<Long> standsFor,
                      Function<List<Long>, String> reencode) {
            this(text, version, coalesceKey, skipped, standsFor, reencode, null);
        }

        /** An update that stands in for no other version yet. */
        public Update(String text, long version, String coalesceKey, List<Long> skipped,
                      Function<List<Long>, String> reencode) {
            this(text, version, coalesceKey, skipped, List.of(), reencode);
        }

        /** Framed once for every outbox it is offered to (see {@link FramedText}). */
        @Override
        public ByteBuffer frame() {
            return framed.frame();
        }

        /** A message that never coalesces and can never list a skipped version. */
        public static Update of(String text, long version) {
            return new Update(text, version, null, List.of(), List.of(), null);
        }

        /**
         * An applied op: it may replace queued updates of {@code cell} (null: it replaces none and is
         * never replaced), and {@code reencode} writes it with a {@code skipped} list.
         */
        public static Update applied(String text, long version, String cell, Function<List<Long>, String> reencode) {
            return new Update(text, version, cell, List.of(), List.of(), Objects.requireNonNull(reencode));
        }

        /** Whether this update can be re-encoded to list skipped versions. */
        boolean reencodable() {
            return reencode != null;
        }

        /** This update re-encoded with {@code more} versions listed as skipped too. */
        Update skipping(Collection<Long> more) {
            List<Long> all = union(skipped, more);
            return new Update(reencode.apply(all), version, coalesceKey, all, standsFor, reencode);
        }

        /** This update carrying the change of {@code more} versions too (its text, and so its frame, unchanged). */
        Update standingFor(Collection<Long> more) {
            return new Update(text, version, coalesceKey, skipped, union(standsFor, more), reencode, framed);
        }

        /** The lowest version whose change this update carries: its own, or one it stands in for. */
        long oldestVersion() {
            return standsFor.isEmpty() ? version : standsFor.get(0);
        }

        private static List<Long> union(Collection<Long> a, Collection<Long> b) {
            TreeSet<Long> all = new TreeSet<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }
    }

    /**
     * A text offered to many outboxes (a sheet's presence changes, say), framed once for all of them;
     * otherwise like {@link Text}.
     */
    record Shared(String text, FramedText framed) implements TextMessage {

        public Shared(String text) {
            this(text, FramedText.of(text));
        }

        /** Framed once for every outbox it is offered to. */
        @Override
        public ByteBuffer frame() {
            return framed.frame();
        }
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
     * The end of a connection below the WebSocket API, a fault {@code /echo} injects on request: the
     * bytes (a close frame the API would not write, or none) written as they are, then the TCP
     * connection closed. Nothing queued after it is sent.
     */
    record Cut(RawConnection raw, ByteBuffer lastBytes) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            raw.writeAndClose(lastBytes.duplicate(), done);
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
