package dev.livegrid.bench.load;

import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code join}: N viewers join one room, spread evenly over T seconds, each reading everything.
 * Reports how many were let in (a {@code welcome}; on a hub, the handshake), the messages and
 * bytes all of them received, and how long after the last join the last message came (the server
 * is quiet once no client has had anything for {@code quiet} seconds), giving up {@code limit}
 * seconds after the last join. Presence's format is not read: only counted.
 */
final class JoinMode implements Mode {

    @Override
    public JsonLine run(Target target, Options options) {
        int viewers = options.integer("viewers", 200);
        double spread = options.decimal("spread", 2);
        double quiet = options.decimal("quiet", 1);
        double limit = options.decimal("limit", 60);
        String room = "join-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        RoomListener listener = new RoomListener(target.isLiveGrid());

        try (WsLoop loop = new WsLoop(target.host(), target.port(), Integer.MAX_VALUE)) {
            long start = System.nanoTime();
            long step = viewers > 1 ? (long) (spread * 1e9 / (viewers - 1)) : 0;
            for (int i = 0; i < viewers; i++) {
                loop.at(start + i * step, () -> loop.connect(target.roomPath(room), listener, null));
            }
            long lastJoin = start + (viewers - 1) * step;
            Window window = new Window(target.pid());
            window.start();
            loop.runUntil(() -> System.nanoTime() >= lastJoin, lastJoin + 1_000_000_000L);
            long deadline = lastJoin + (long) (limit * 1e9);
            boolean quieted = loop.runUntil(
                    () -> listener.welcomed + listener.closes.total() >= viewers
                            && System.nanoTime() - Math.max(listener.lastMessageNanos, lastJoin) >= quiet * 1e9,
                    deadline);
            window.stop();
            long busyAfterLastJoin = Math.max(0, listener.lastMessageNanos - lastJoin);
            return new JsonLine()
                    .put("welcomed", listener.welcomed)
                    .put("messages", listener.messages)
                    .put("bytes", listener.bytes)
                    .put("quiet", quieted)
                    .put("last_message_after_last_join_ms", busyAfterLastJoin / 1e6)
                    .put("closes", listener.closes.json())
                    .put("window", window.json());
        }
    }
}
