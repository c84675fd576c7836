package dev.livegrid.endpoint;

import dev.livegrid.metrics.Meters;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;
import java.util.logging.Logger;

/**
 * {@code /echo}, the reference endpoint: every text and binary message comes back unchanged, with its
 * type and in order; connect-time parameters ({@link EchoOptions}) make it misbehave on purpose.
 */
@ServerEndpoint(value = EchoEndpoint.PATH, configurator = LiveGridConfigurator.class)
public class EchoEndpoint {

    public static final String PATH = "/echo";
    private static final Logger LOG = Logger.getLogger(EchoEndpoint.class.getName());

    private final LiveGridContext context;
    private final MessageSizeLimit sizeLimit;
    private EchoSession echo;

    public EchoEndpoint(LiveGridContext context) {
        this.context = context;
        this.sizeLimit = new MessageSizeLimit(context.settings().maxMessageSize());
    }

    @OnOpen
    public void open(Session session) {
        context.meters().connectionOpened(Meters.ECHO);
        echo = EchoSession.open(session, context);
    }

    @OnMessage
    public void text(String message, Session session) {
        if (sizeLimit.exceeds(message)) {
            echo.close(sizeLimit.closeReason());
        } else {
            echo.reply(message);
        }
    }

    @OnMessage
    public void binary(ByteBuffer message, Session session) {
        if (sizeLimit.exceeds(message)) {
            echo.close(sizeLimit.closeReason());
        } else {
            echo.reply(copyOf(message));
        }
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) {
        context.heartbeat().pongReceived(session);
        echo.pong(pong.getApplicationData());
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        context.meters().connectionClosed(Meters.ECHO);
        echo.ended();
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.fine(() -> "echo session " + session.getId() + ": " + failure);
    }

    /** The runtime may reuse its buffer once this call returns; a delayed reply needs its own copy. */
    private static ByteBuffer copyOf(ByteBuffer message) {
        ByteBuffer copy = ByteBuffer.allocate(message.remaining());
        copy.put(message.duplicate()).flip();
        return copy;
    }
}
