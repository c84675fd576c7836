package dev.livegrid.room;

import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.store.SheetStore;
import jakarta.websocket.CloseReason;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A registry's tie to the other servers on its database (cluster mode): what its rooms use to follow
 * them — {@link CatchUps} for their ops, {@link PresenceExchange} for who is here — and how a room
 * that cannot follow its sheet any more is dropped.
 */
final class ClusterLink implements Follower, AutoCloseable {

    private final CatchUps catchUps;
    private final PresenceExchange presence;
    private final BiConsumer<Room, CloseReason> lost;

    ClusterLink(SheetStore store, BiConsumer<Room, CloseReason> lost) {
        this.catchUps = new CatchUps(store);
        this.presence = new PresenceExchange(store);
        this.lost = lost;
    }

    @Override
    public void catchUp(Room room) {
        catchUps.catchUp(room);
    }

    @Override
    public void lost(Room room, CloseReason reason) {
        lost.accept(room, reason);
    }

    @Override
    public void sharePresence(Room room, List<ServerMessage.User> users) {
        presence.share(room, users);
    }

    /** Reads who is on the room's sheet through the other servers. */
    void readPresence(Room room) {
        presence.read(room);
    }

    /** Writes again the presence that could not be written. */
    void retryPresence() {
        presence.retry();
    }

    @Override
    public void close() {
        catchUps.close();
        presence.close();
    }
}
