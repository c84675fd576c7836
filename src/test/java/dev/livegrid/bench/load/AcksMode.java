package dev.livegrid.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code acks} (LiveGrid only): acknowledged edits per second. S fresh sheets, W writers on each, no
 * viewers; every writer keeps K edits unanswered and sends the next as soon as one of its own is
 * answered. With a durable store an {@code applied} means the edit is committed, so this is the
 * durable edit rate, measured with the clients in another process on another core (unlike
 * {@code bench/run.sh}, whose clients share the server's JVM). Options: {@code --sheets} (1),
 * {@code --writers} per sheet (2), {@code --window} (32), {@code --warmup} (3), {@code --seconds} (10).
 *
 * <p>With several servers ({@code --ports}) the writers are spread over them: {@code --spread writers}
 * (the default) sends writer i (counted over all sheets) to the i-th server in turn, so a sheet with
 * several writers has them on several servers, whose commits then contend for it; {@code --spread
 * sheets} sends every writer of sheet s to the s-th server in turn, so each sheet is written through
 * one server only. Server CPU is summed over {@code --pids}; rejections are counted by code.
 */
final class AcksMode implements Mode {

    private static final int RING = 1 << 20;
    private static final Pattern CODE = Pattern.compile("\"code\":\"([^\"]*)\"");

    @Override
    public JsonLine run(Target target, Options options) {
        if (!target.isLiveGrid()) {
            throw new IllegalArgumentException("the acks mode needs LiveGrid: a peer acknowledges nothing");
        }
        int sheets = options.integer("sheets", 1);
        int writersPerSheet = options.integer("writers", 2);
        int window = options.integer("window", 32);
        double warmup = options.decimal("warmup", 3);
        double seconds = options.decimal("seconds", 10);
        String spread = options.choice("spread", "writers");
        if (!spread.equals("writers") && !spread.equals("sheets")) {
            throw new IllegalArgumentException("--spread is writers or sheets, not " + spread);
        }
        String prefix = "acks-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + "-";

        Writer[] owners = new Writer[RING];
        long[] seq = {0};
        boolean[] running = {false};
        Latency ackLatency = new Latency();
        long[] measureFrom = {Long.MAX_VALUE};
        long[] acks = {0};
        long[] rejected = {0};
        String[] firstRejection = {""};
        Map<String, Integer> rejectedByCode = new TreeMap<>();

        RoomListener listener = new RoomListener(true) {
            private final long[] stamp = new long[2];

            @Override
            void message(WsConnection connection, byte[] data, int offset, int length) {
                Writer writer = (Writer) connection.attachment;
                if (Messages.isApplied(data, offset, length)) {
                    if (!AppliedText.read(data, offset, length, stamp)) {
                        writer.setupAcks++; // the column and rows every sheet starts with
                        return;
                    }
                    if (owners[(int) (stamp[0] & (RING - 1))] != writer) {
                        return; // another writer's edit on the same sheet
                    }
                    acks[0]++;
                    if (stamp[1] >= measureFrom[0]) {
                        ackLatency.record(System.nanoTime() - stamp[1]);
                    }
                } else if (Messages.isRejected(data, offset, length)) {
                    String text = new String(data, offset, Math.min(length, 300), StandardCharsets.UTF_8);
                    if (rejected[0]++ == 0) {
                        firstRejection[0] = text;
                    }
                    Matcher code = CODE.matcher(text);
                    rejectedByCode.merge(code.find() ? code.group(1) : "?", 1, Integer::sum);
                } else {
                    return;
                }
                writer.unanswered--;
                writer.refill(running[0], seq, owners, window);
            }
        };

        try (WsLoop loop = new WsLoop(target.host(), target.port(), 200)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            List<Writer> writers = new ArrayList<>();
            for (int s = 0; s < sheets; s++) {
                for (int w = 0; w < writersPerSheet; w++) {
                    Writer writer = new Writer();
                    int port = target.portFor(spread.equals("sheets") ? s : writers.size());
                    writer.connection = loop.connect(target.roomPath(prefix + s), listener, writer, port);
                    writers.add(writer);
                }
            }
            int all = writers.size();
            loop.runUntil(() -> listener.welcomed + listener.closes.total() >= all, deadline);
            if (listener.welcomed < all) {
                throw new IllegalStateException(listener.welcomed + " of " + all + " writers let in; closes " + listener.closes.json());
            }
            for (int s = 0; s < sheets; s++) {
                setUp(writers.get(s * writersPerSheet).connection);
            }
            if (!loop.runUntil(() -> writers.stream().allMatch(w -> w.setupAcks >= FanoutMode.ROWS + 1) || rejected[0] > 0, deadline)
                    || rejected[0] > 0) {
                throw new IllegalStateException("setting up the sheets failed: " + firstRejection[0]);
            }
            running[0] = true;
            writers.forEach(w -> w.refill(true, seq, owners, window));
            loop.runFor((long) (warmup * 1e9));
            measureFrom[0] = System.nanoTime();
            ackLatency.reset();
            long acksBefore = acks[0];
            long rejectedBefore = rejected[0];
            rejectedByCode.clear();
            ServerMeters meters = new ServerMeters(target, options);
            meters.start();
            Window measured = new Window(target);
            measured.start();
            loop.runFor((long) (seconds * 1e9));
            measured.stop();
            meters.stop();
            long rejectedInWindow = rejected[0] - rejectedBefore;
            JsonLine byCode = new JsonLine();
            rejectedByCode.forEach(byCode::put);
            long counted = acks[0] - acksBefore;
            running[0] = false;
            loop.runUntil(() -> writers.stream().allMatch(w -> w.unanswered == 0), System.nanoTime() + 20_000_000_000L);
            JsonLine servers = new JsonLine();
            for (int i = 0; i < target.ports().size(); i++) {
                int port = target.ports().get(i);
                servers.put(String.valueOf(port), writers.stream().filter(w -> w.connection.port == port).count());
            }
            return new JsonLine()
                    .put("sheets", sheets)
                    .put("writers_per_sheet", writersPerSheet)
                    .put("unanswered_per_writer", window)
                    .put("servers", target.ports().size())
                    .put("writers_per_server", servers)
                    .put("acks_per_s", counted / measured.seconds())
                    .put("server_cpu_us_per_ack", measured.serverMicrosPer(counted / measured.seconds()))
                    .put("server_cpu_is", target.pids().size() > 1
                            ? "summed over the " + target.pids().size() + " server processes" : "the one server process")
                    .put("db_cpu_us_per_ack", measured.dbMicrosPer(counted / measured.seconds()))
                    .put("ack_latency", ackLatency.json())
                    .put("rejected", rejected[0])
                    .put("rejected_in_window", rejectedInWindow)
                    .put("rejected_in_window_by_code", byCode)
                    .put("first_rejection", firstRejection[0])
                    .put("closes", listener.closes.json())
                    .put("window", measured.json())
                    .put("meters", meters.json());
        }
    }

    /** One column and FanoutMode.ROWS rows, as the fan-out's sheet (c1, r2 …). */
    private static void setUp(WsConnection writer) {
        writer.sendText("{\"type\":\"addColumn\",\"id\":\"setup-c\",\"name\":\"v\"}");
        for (int i = 0; i < FanoutMode.ROWS; i++) {
            writer.sendText("{\"type\":\"insertRow\",\"id\":\"setup-r" + i + "\"}");
        }
    }

    /** A writer's connection and its edits in flight. */
    private static final class Writer {
        WsConnection connection;
        int unanswered;
        int setupAcks;

        void refill(boolean running, long[] seq, Writer[] owners, int window) {
            while (running && unanswered < window) {
                long s = ++seq[0];
                owners[(int) (s & (RING - 1))] = this;
                unanswered++;
                connection.sendText("{\"type\":\"edit\",\"id\":\"e" + s + "\",\"row\":\"r" + (2 + s % FanoutMode.ROWS)
                        + "\",\"col\":\"c1\",\"value\":\"" + AppliedText.stamp(s, System.nanoTime()) + "\"}");
            }
        }
    }
}
