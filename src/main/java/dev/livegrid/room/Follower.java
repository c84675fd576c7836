package dev.livegrid.room;

import dev.livegrid.protocol.ServerMessage;
import jakarta.websocket.CloseReason;

import java.util.List;

/**
 * How a room keeps up with a store that other servers write too (cluster mode): where it asks to
 * read what they committed, where it shares who is on the sheet through this server, and where it
 * says it can no longer follow the sheet. Implemented by the registry's {@link ClusterLink}; null
 * for a store the room's server writes alone.
 */
interface Follower {

    /**
     * Reads, off the room's thread, what the store holds after the room's durable version, and hands it
     * to {@link Room#caughtUp} (or {@link Room#catchUpFailed}). Requests for a room already being read
     * for are merged into that read's successor.
     */
    void catchUp(Room room);

    /**
     * The room cannot go on: its sheet was deleted (or deleted and created again), or moved further
     * than the store keeps ops for. The room is retired with {@code reason} and dropped, so the next
     * client or request loads the sheet afresh.
     */
    void lost(Room room, CloseReason reason);

    /** Tells the other servers that {@code users} are on the sheet through this one (off the room's thread; the latest list wins). */
    void sharePresence(Room room, List<ServerMessage.User> users);
}
