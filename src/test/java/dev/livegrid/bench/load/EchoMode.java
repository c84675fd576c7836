package dev.livegrid.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code echo}: C connections to {@code /echo}, each with one B-byte text message outstanding
 * (closed loop): echoes per second and their round-trip latency.
 */
final class EchoMode implements Mode {

    @Override
    public JsonLine run(Target target, Options options) {
        int connections = options.integer("connections", 50);
        int bytes = options.integer("bytes", 100);
        double warmup = options.decimal("warmup", 3);
        double seconds = options.decimal("seconds", 10);
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) 'x');

        Latency latency = new Latency();
        Closes closes = new Closes();
        long[] echoes = {0};
        int[] opened = {0};
        List<WsConnection> all = new ArrayList<>();
        WsListener listener = new WsListener() {
            @Override
            public void onOpen(WsConnection connection) {
                opened[0]++;
            }

            @Override
            public void onMessage(WsConnection connection, byte[] data, int offset, int length) {
                if (length != bytes) {
                    return; // not ours (a heartbeat)
                }
                long[] sent = (long[]) connection.attachment;
                long now = System.nanoTime();
                latency.record(now - sent[0]);
                echoes[0]++;
                sent[0] = now;
                connection.sendText(payload);
            }

            @Override
            public void onClose(WsConnection connection, int code) {
                closes.add(code);
            }
        };
        try (WsLoop loop = new WsLoop(target.host(), target.port(), 200)) {
            for (int i = 0; i < connections; i++) {
                all.add(loop.connect(target.echoPath(), listener, new long[1]));
            }
            loop.runUntil(() -> opened[0] + closes.total() >= connections, System.nanoTime() + 30_000_000_000L);
            for (WsConnection connection : all) {
                ((long[]) connection.attachment)[0] = System.nanoTime();
                connection.sendText(payload);
            }
            loop.runFor((long) (warmup * 1e9));
            latency.reset();
            echoes[0] = 0;
            Window window = new Window(target.pid());
            window.start();
            loop.runFor((long) (seconds * 1e9));
            window.stop();
            long measured = echoes[0];
            return new JsonLine()
                    .put("opened", opened[0])
                    .put("msgs_per_s", measured / window.seconds())
                    .put("latency", latency.json())
                    .put("closes", closes.json())
                    .put("window", window.json());
        }
    }
}
