package dev.livegrid.bench.load;

/**
 * {@code idle}: N connections spread over S rooms (LiveGrid sheets, hub rooms), held for H
 * seconds while the server's heartbeat pings them. Reports how many are still open and the
 * server's resident memory per connection: (VmRSS with them − VmRSS before them) / N; for a JVM
 * also its live heap per connection, after a full collection before and after (the RSS of a
 * JVM also counts the heap pages its garbage touched).
 */
final class IdleMode implements Mode {

    @Override
    public JsonLine run(Target target, Options options) {
        int connections = options.integer("connections", 10_000);
        int rooms = options.integer("rooms", 100);
        double hold = options.decimal("hold", 15);
        long heapBefore = target.isJvm() ? ProcessStats.liveHeapKiB(target.pid()) : -1;
        long rssBefore = ProcessStats.rssKiB(target.pid());
        RoomListener listener = new RoomListener(target.isLiveGrid());
        int[] open = {0};
        long[] pings = {0};
        WsListener counting = new WsListener() {
            @Override
            public void onOpen(WsConnection connection) {
                open[0]++;
                listener.onOpen(connection);
            }

            @Override
            public void onMessage(WsConnection connection, byte[] data, int offset, int length) {
                listener.onMessage(connection, data, offset, length);
            }

            @Override
            public void onPing(WsConnection connection) {
                pings[0]++;
            }

            @Override
            public void onClose(WsConnection connection, int code) {
                if (connection.wasOpened()) {
                    open[0]--;
                }
                listener.onClose(connection, code);
            }
        };

        try (WsLoop loop = new WsLoop(target.host(), target.port(), 200)) {
            Window window = new Window(target.pid());
            window.start();
            long start = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                loop.connect(target.roomPath("idle-" + (i % rooms)), counting, null);
            }
            boolean allIn = loop.runUntil(() -> listener.welcomed + listener.closes.total() >= connections,
                    start + 180_000_000_000L);
            double connectSeconds = (System.nanoTime() - start) / 1e9;
            listener.awaitQuiet(loop, 1_000_000_000L, System.nanoTime() + 60_000_000_000L);
            loop.runFor((long) (hold * 1e9));
            window.stop();
            long rssWith = ProcessStats.rssKiB(target.pid());
            long heapWith = target.isJvm() ? ProcessStats.liveHeapKiB(target.pid()) : -1;
            return new JsonLine()
                    .put("all_connected", allIn)
                    .put("connect_seconds", connectSeconds)
                    .put("open", open[0])
                    .put("welcomed", listener.welcomed)
                    .put("messages", listener.messages)
                    .put("bytes", listener.bytes)
                    .put("pings", pings[0])
                    .put("rss_idle_kib", rssBefore)
                    .put("rss_with_kib", rssWith)
                    .put("kib_per_connection", open[0] > 0 ? (rssWith - rssBefore) / (double) open[0] : Double.NaN)
                    .put("live_heap_idle_kib", heapBefore)
                    .put("live_heap_with_kib", heapWith)
                    .put("live_heap_kib_per_connection",
                            heapBefore >= 0 && heapWith >= 0 && open[0] > 0 ? (heapWith - heapBefore) / (double) open[0] : Double.NaN)
                    .put("closes", listener.closes.json())
                    .put("window", window.json());
        }
    }
}
