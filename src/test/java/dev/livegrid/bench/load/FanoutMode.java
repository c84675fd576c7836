package dev.livegrid.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code fanout}: N viewers and W writers in one room (a LiveGrid sheet, a peer's hub room). The
 * writers send stamped edits — {@code rate} (a fixed number per second each), {@code closed} (at
 * most K edits ahead of the slowest viewer) or {@code flood} (as fast as TCP takes them) — and
 * the viewers time every delivery. On LiveGrid the edits are real ops on a fresh sheet, answered
 * by {@code applied} to every member (the author's ack included); a hub relays the edit's text.
 * With {@code --bystander R}, one more writer sends R edits a second to a row of its own
 * ({@link Bystander}), timed apart from the load.
 *
 * <p>Across servers (LiveGrid servers on one database, {@code --ports}): the writers join through
 * the first server and the viewers through {@code --viewer-port} (default: the first server too), so
 * an edit reaches them only after the first server commits it and the other learns of the commit.
 * {@code --local-viewers M} adds M viewers on the writers' server, timed apart ({@code local} in the
 * results), as the same run's comparison.
 */
final class FanoutMode implements Mode {

    /** Rows the edits cycle over, so that consecutive edits are to different cells. */
    static final int ROWS = 64;

    @Override
    public JsonLine run(Target target, Options options) {
        int viewers = options.integer("viewers", 200);
        int writers = options.integer("writers", 1);
        String writerMode = options.choice("writer", "rate");
        boolean flood = writerMode.equals("flood");
        double warmup = options.decimal("warmup", flood ? 0 : 3);
        double seconds = options.decimal("seconds", 10);
        double drain = options.decimal("drain", flood ? 20 : 5);
        double bystanderRate = options.decimal("bystander", 0);
        int viewerPort = options.integer("viewer-port", target.port());
        int localViewers = options.integer("local-viewers", 0);
        String room = "fanout-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);

        EditTracker tracker = new EditTracker(viewers, !flood);
        EditTracker localTracker = new EditTracker(localViewers, !flood);
        if (localViewers > 0) {
            tracker.alsoTrack(localTracker);
        }
        long[] writerAcks = {0};
        long[] rejected = {0};
        String[] firstRejection = {""};
        Bystander[] bystander = {null};
        RoomListener viewerListener = new RoomListener(target.isLiveGrid()) {
            private final long[] stamp = new long[2];

            @Override
            void message(WsConnection connection, byte[] data, int offset, int length) {
                if (AppliedText.read(data, offset, length, stamp)) {
                    if (Bystander.isBystanders(stamp[0])) {
                        bystander[0].delivered(stamp[1]);
                    } else {
                        tracker.delivered((long[]) connection.attachment, stamp[0], stamp[1]);
                    }
                }
            }
        };
        RoomListener localListener = new RoomListener(target.isLiveGrid()) {
            private final long[] stamp = new long[2];

            @Override
            void message(WsConnection connection, byte[] data, int offset, int length) {
                if (AppliedText.read(data, offset, length, stamp) && !Bystander.isBystanders(stamp[0])) {
                    localTracker.delivered((long[]) connection.attachment, stamp[0], stamp[1]);
                }
            }
        };
        RoomListener bystanderListener = new RoomListener(target.isLiveGrid()) {
            private final long[] stamp = new long[2];

            @Override
            void message(WsConnection connection, byte[] data, int offset, int length) {
                if (Messages.isApplied(data, offset, length)) {
                    if (AppliedText.read(data, offset, length, stamp) && Bystander.isBystanders(stamp[0])) {
                        bystander[0].applied++; // its own ack: everyone's applied reaches it
                    }
                } else if (Messages.isRejected(data, offset, length)) {
                    bystander[0].rejected++;
                }
            }
        };
        RoomListener writerListener = new RoomListener(target.isLiveGrid()) {
            @Override
            void message(WsConnection connection, byte[] data, int offset, int length) {
                if (Messages.isApplied(data, offset, length)) {
                    writerAcks[0]++;
                } else if (Messages.isRejected(data, offset, length)) {
                    if (rejected[0]++ == 0) {
                        firstRejection[0] = new String(data, offset, Math.min(length, 300), StandardCharsets.UTF_8);
                    }
                }
            }

            @Override
            public void onWritable(WsConnection connection) {
                if (connection.attachment instanceof FanoutWriters w) {
                    w.floodOn(connection);
                }
            }
        };

        try (WsLoop loop = new WsLoop(target.host(), target.port(), 200)) {
            long began = System.nanoTime();
            long deadline = began + 120_000_000_000L;
            List<WsConnection> writerConnections = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                writerConnections.add(loop.connect(target.roomPath(room), writerListener, null));
            }
            loop.runUntil(() -> writerListener.welcomed + writerListener.closes.total() >= writers, deadline);
            if (target.isLiveGrid()) {
                setUpSheet(loop, writerConnections.get(0), writerAcks, rejected, deadline);
            }
            if (bystanderRate > 0) {
                WsConnection connection = loop.connect(target.roomPath(room), bystanderListener, null);
                loop.runUntil(() -> bystanderListener.welcomed + bystanderListener.closes.total() >= 1, deadline);
                bystander[0] = new Bystander(loop, connection, "r" + (2 + ROWS), bystanderRate);
            }
            for (int i = 0; i < viewers; i++) {
                loop.connect(target.roomPath(room), viewerListener, new long[1], viewerPort);
            }
            for (int i = 0; i < localViewers; i++) {
                loop.connect(target.roomPath(room), localListener, new long[1]);
            }
            loop.runUntil(() -> viewerListener.welcomed + viewerListener.closes.total() >= viewers
                    && localListener.welcomed + localListener.closes.total() >= localViewers, deadline);
            double joinedAfter = (System.nanoTime() - began) / 1e9;
            long messagesAtJoin = viewerListener.messages + localListener.messages;
            long bytesAtJoin = viewerListener.bytes + localListener.bytes;
            boolean quiet = viewerListener.awaitQuiet(loop, 500_000_000L, deadline) // the joins' presence has settled
                    && localListener.awaitQuiet(loop, 500_000_000L, deadline);
            double quietAfter = (System.nanoTime() - began) / 1e9;
            long messagesQuiet = viewerListener.messages + localListener.messages;
            long bytesQuiet = viewerListener.bytes + localListener.bytes;
            int welcomed = viewerListener.welcomed;

            FanoutWriters load = new FanoutWriters(loop, writerConnections, tracker, writerMode,
                    options.integer("rate", 200), options.integer("window", 20));
            writerConnections.forEach(c -> c.attachment = load);
            load.start();
            if (bystander[0] != null) {
                bystander[0].start();
            }
            loop.runFor((long) (warmup * 1e9));
            tracker.measureFromNow();
            localTracker.measureFromNow();
            if (bystander[0] != null) {
                bystander[0].measureFromNow();
            }
            long deliveriesBefore = tracker.deliveries;
            long localDeliveriesBefore = localTracker.deliveries;
            long sentBefore = tracker.sent();
            long acksBefore = writerAcks[0];
            ServerMeters meters = new ServerMeters(target, options);
            meters.start();
            Window window = new Window(target);
            window.start();
            loop.runFor((long) (seconds * 1e9));
            window.stop();
            meters.stop();
            long localDeliveries = localTracker.deliveries - localDeliveriesBefore;
            long deliveries = tracker.deliveries - deliveriesBefore;
            long sent = tracker.sent() - sentBefore;
            long acks = writerAcks[0] - acksBefore;
            load.stop();
            if (bystander[0] != null) {
                bystander[0].stop();
            }
            long drainDeadline = System.nanoTime() + (long) (drain * 1e9);
            boolean drained = flood
                    ? viewerListener.awaitQuiet(loop, 1_000_000_000L, drainDeadline)
                    : loop.runUntil(() -> tracker.everyoneHas() >= tracker.sent()
                            && (localViewers == 0 || localTracker.everyoneHas() >= localTracker.sent()), drainDeadline);
            JsonLine line = new JsonLine()
                    .put("welcomed", welcomed)
                    .put("edits_sent_per_s", sent / window.seconds())
                    .put("writer_acks_per_s", acks / window.seconds())
                    .put("deliveries_per_s", deliveries / window.seconds())
                    .put("server_cpu_us_per_delivery", window.serverMicrosPer(deliveries / window.seconds()))
                    .put("rejected", rejected[0])
                    .put("first_rejection", firstRejection[0])
                    .put("per_delivery", tracker.perDelivery.json())
                    .put("per_edit_all_viewers", tracker.perEdit.json())
                    .put("drained", drained)
                    .put("setup", new JsonLine().put("joined_after_s", joinedAfter).put("quiet", quiet)
                            .put("quiet_after_s", quietAfter)
                            .put("messages_to_viewers_until_quiet", messagesQuiet - messagesAtJoin)
                            .put("bytes_to_viewers_until_quiet", bytesQuiet - bytesAtJoin))
                    .put("viewer_closes", viewerListener.closes.json())
                    .put("writer_closes", writerListener.closes.json())
                    .put("window", window.json());
            if (target.ports().size() > 1 || viewerPort != target.port()) {
                line.put("writer_port", target.port()).put("viewer_port", viewerPort)
                        .put("viewers_on_another_server", viewerPort != target.port());
            }
            if (localViewers > 0) {
                line.put("local", new JsonLine()
                        .put("viewers", localViewers)
                        .put("port", target.port())
                        .put("welcomed", localListener.welcomed)
                        .put("deliveries_per_s", localDeliveries / window.seconds())
                        .put("per_delivery", localTracker.perDelivery.json())
                        .put("per_edit_all_viewers", localTracker.perEdit.json())
                        .put("viewer_closes", localListener.closes.json()));
            }
            if (meters.enabled()) {
                line.put("meters", meters.json());
            }
            return bystander[0] == null ? line : line.put("bystander", bystander[0].json());
        }
    }

    /**
     * A fresh sheet has nothing to edit: one column (c1, version 1) and ROWS + 1 rows first (r2 …; the
     * last is the bystander's).
     */
    private static void setUpSheet(WsLoop loop, WsConnection writer, long[] acks, long[] rejected, long deadline) {
        writer.sendText("{\"type\":\"addColumn\",\"id\":\"setup-c\",\"name\":\"v\"}");
        for (int i = 0; i <= ROWS; i++) {
            writer.sendText("{\"type\":\"insertRow\",\"id\":\"setup-r" + i + "\"}");
        }
        if (!loop.runUntil(() -> acks[0] >= ROWS + 2 || rejected[0] > 0, deadline) || rejected[0] > 0) {
            throw new IllegalStateException("setting up the sheet failed: " + acks[0] + " applied, " + rejected[0] + " rejected");
        }
        acks[0] = 0;
    }
}
