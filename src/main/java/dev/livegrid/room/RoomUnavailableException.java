package dev.livegrid.room;

/**
 * A sheet could not be had in time: it is still being loaded, closed or deleted after
 * {@link RoomRegistry#WAIT}, or the server is stopping. The caller should try again shortly (HTTP 503,
 * WebSocket close 1013).
 */
public final class RoomUnavailableException extends RuntimeException {

    public RoomUnavailableException(String message) {
        super(message, null, false, false);
    }
}
