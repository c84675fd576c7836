package dev.livegrid.endpoint;

import dev.livegrid.access.CredentialsException;
import dev.livegrid.access.Identity;
import dev.livegrid.metrics.Meters;
import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.MessageDecoder;
import dev.livegrid.protocol.MessageEncoder;
import dev.livegrid.room.Member;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomUnavailableException;
import dev.livegrid.room.UserIds;
import dev.livegrid.store.StoreException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Logger;

/**
 * {@code /sheets/{sheetId}}: joins the sheet's room and hands it every decoded message.
 * <p>
 * Text is decoded here rather than by a registered decoder so that its size is checked first
 * (see {@link MessageSizeLimit}); {@link MessageDecoder} is the same JSON-B decoder either way.
 */
@ServerEndpoint(value = SheetEndpoint.PATH, encoders = MessageEncoder.class, configurator = LiveGridConfigurator.class)
public class SheetEndpoint {

    public static final String PATH = "/sheets/{sheetId}";
    /** Close code: the sheet does not exist (and is not created). */
    public static final int NO_SUCH_SHEET = 4004;
    private static final Logger LOG = Logger.getLogger(SheetEndpoint.class.getName());

    private final LiveGridContext context;
    private final MessageDecoder decoder = new MessageDecoder();
    private final MessageSizeLimit sizeLimit;
    private Room room;
    private Member member;
    private TokenExpiry expiry;

    public SheetEndpoint(LiveGridContext context) {
        this.context = context;
        this.sizeLimit = new MessageSizeLimit(context.settings().maxMessageSize());
    }

    @OnOpen
    public void open(Session session, @PathParam("sheetId") String sheetId) throws IOException {
        context.meters().connectionOpened(Meters.SHEETS);
        // Standalone, the frame guard closes larger messages with 1009 before they are read; inside a
        // Jakarta EE server this limit is the one that does.
        session.setMaxTextMessageBufferSize((int) context.settings().maxMessageSize());
        SheetJoin join;
        try {
            join = SheetJoin.parse(sheetId, session.getRequestParameterMap());
        } catch (IllegalArgumentException e) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, e.getMessage()));
            return;
        }
        Identity identity = identityOf(session, join);
        if (identity == null) {
            return;
        }
        // Creating a sheet by joining it takes the editor role on it; its creator becomes its owner.
        boolean create = context.settings().createSheets() && identity.grants().on(sheetId).canEdit();
        try {
            room = context.rooms().acquire(sheetId, create, identity.verified() ? identity.userId() : null);
        } catch (StoreException e) {
            LOG.severe(() -> "cannot open sheet " + sheetId + ": " + e.getMessage());
            session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "store unavailable"));
            return;
        } catch (RoomUnavailableException e) {
            session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, shorten(e.getMessage())));
            return;
        }
        if (room == null) {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(NO_SUCH_SHEET), "no sheet " + sheetId));
            return;
        }
        member = context.newMember(session, identity);
        expiry = TokenExpiry.watch(context.scheduler(), member);
        room.join(member, join.since(), join.incarnation());
    }

    /**
     * Who this connection is: with {@code auth=none} whoever the client says (its key and name), else
     * the identity the configurator established at the handshake. Null, after closing the session,
     * when there is none (the handshake filter refuses such handshakes with 401 first).
     */
    private Identity identityOf(Session session, SheetJoin join) throws IOException {
        if (!context.authenticator().enabled()) {
            return Identity.anonymous(UserIds.of(join.client()), join.name());
        }
        Object identity = session.getUserProperties().get(LiveGridConfigurator.IDENTITY);
        if (identity instanceof Identity known) {
            return known;
        }
        String why = identity instanceof CredentialsException e ? e.getMessage() : "no credentials";
        session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, shorten("not signed in: " + why)));
        return null;
    }

    @OnMessage
    public void message(String text, Session session) {
        if (sizeLimit.exceeds(text)) {
            closeTooBig();
            return;
        }
        ClientMessage message = decoder.decode(text);
        if (message instanceof ClientMessage.Auth auth) {
            room.receiveToken(member, auth.token(), context.authenticator());
        } else {
            room.receive(member, message);
        }
    }

    /** A binary frame is no message of this protocol: answered with an error and counted as a refusal. */
    @OnMessage
    public void binary(ByteBuffer data, Session session) {
        if (sizeLimit.exceeds(data)) {
            closeTooBig();
            return;
        }
        room.refuseFrame(member, "binary frames are not messages here; send JSON text frames");
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) {
        context.heartbeat().pongReceived(session);
    }

    @OnClose
    public void close(Session session) {
        context.meters().connectionClosed(Meters.SHEETS);
        context.heartbeat().untrack(session);
        if (expiry != null) {
            expiry.cancel();
        }
        if (room != null) {
            room.leave(member);
            context.rooms().release(room);
            room = null;
        }
    }

    /** The 1009 close goes through the member's outbox like every other write to the session. */
    private void closeTooBig() {
        member.outbox().close(sizeLimit.closeReason());
    }

    /** A close reason is at most 123 bytes of UTF-8. */
    private static String shorten(String reason) {
        return reason.length() <= 100 ? reason : reason.substring(0, 100) + "…";
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.fine(() -> "sheet session " + session.getId() + ": " + failure);
    }
}
