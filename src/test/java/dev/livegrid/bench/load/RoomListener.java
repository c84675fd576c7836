package dev.livegrid.bench.load;

/**
 * Counts what a room's members receive: who was let in (LiveGrid's {@code welcome}; on a peer's
 * hub the handshake, since a hub greets nobody), messages, bytes, the last message's time, and
 * how connections ended. Modes extend it to read the messages they care about.
 */
class RoomListener implements WsListener {

    private final boolean liveGrid;
    final Closes closes = new Closes();
    int welcomed;
    long messages;
    long bytes;
    long lastMessageNanos;

    RoomListener(boolean liveGrid) {
        this.liveGrid = liveGrid;
    }

    @Override
    public void onOpen(WsConnection connection) {
        if (!liveGrid) {
            welcomed++;
            welcomed(connection);
        }
    }

    @Override
    public void onMessage(WsConnection connection, byte[] data, int offset, int length) {
        messages++;
        bytes += length;
        lastMessageNanos = System.nanoTime();
        if (liveGrid && Messages.isWelcome(data, offset, length)) {
            welcomed++;
            welcomed(connection);
            return;
        }
        message(connection, data, offset, length);
    }

    @Override
    public void onClose(WsConnection connection, int code) {
        closes.add(code);
    }

    /** A member was let in. */
    void welcomed(WsConnection connection) {
    }

    /** Any message but a welcome. */
    void message(WsConnection connection, byte[] data, int offset, int length) {
    }

    /**
     * Turns {@code loop} until no member has received anything for {@code quietNanos}; false at the
     * deadline. A timer wakes the loop when the quiet would be reached (nothing else may arrive to wake
     * it: the next server ping can be many seconds away).
     */
    boolean awaitQuiet(WsLoop loop, long quietNanos, long deadline) {
        lastMessageNanos = Math.max(lastMessageNanos, System.nanoTime());
        long[] wakeAt = {0};
        return loop.runUntil(() -> {
            long due = lastMessageNanos + quietNanos;
            if (System.nanoTime() >= due) {
                return true;
            }
            if (wakeAt[0] != due) {
                wakeAt[0] = due; // one timer per quiet period begun, not one per turn of the loop
                loop.at(due, () -> { });
            }
            return false;
        }, deadline);
    }
}
