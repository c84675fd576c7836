package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/** One thing an {@link Outbox} writes to its session; {@code send} reports completion exactly once. */
public sealed interface Outgoing {

    void send(Session session, SendHandler done);

    /** A whole text message. */
    record Text(String text) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            session.getAsyncRemote().sendText(text, done);
        }
    }

    /** A whole binary message. */
    record Binary(ByteBuffer data) implements Outgoing {
        @Override
        public void send(Session session, SendHandler done) {
            session.getAsyncRemote().sendBinary(data.duplicate(), done);
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
