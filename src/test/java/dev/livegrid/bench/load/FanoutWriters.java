package dev.livegrid.bench.load;

import java.util.List;

/**
 * The fan-out writers: {@code rate} sends a fixed number of edits per second per writer on a
 * schedule (late sends catch up, so a slow loop does not lower the rate); {@code closed} keeps at
 * most {@code window} edits ahead of the slowest viewer; {@code flood} writes whenever TCP has
 * taken everything before. Edits go to the writers in turn.
 */
final class FanoutWriters {

    private static final int FLOOD_BURST = 64;

    private final WsLoop loop;
    private final List<WsConnection> writers;
    private final EditTracker tracker;
    private final String mode;
    private final int rate;
    private final int window;
    private boolean running;
    private int turn;

    FanoutWriters(WsLoop loop, List<WsConnection> writers, EditTracker tracker, String mode, int rate, int window) {
        this.loop = loop;
        this.writers = writers;
        this.tracker = tracker;
        this.mode = mode;
        this.rate = rate;
        this.window = window;
        if (!List.of("rate", "closed", "flood").contains(mode)) {
            throw new IllegalArgumentException("--writer is rate, closed or flood, not " + mode);
        }
    }

    void start() {
        running = true;
        switch (mode) {
            case "rate" -> {
                long period = 1_000_000_000L / ((long) rate * writers.size());
                tick(System.nanoTime(), period);
            }
            case "closed" -> {
                tracker.whenEveryoneHas(this::refill);
                refill();
            }
            default -> writers.forEach(this::floodOn);
        }
    }

    void stop() {
        running = false;
    }

    /** Flood: called at the start and whenever a writer's queued bytes have all gone out. */
    void floodOn(WsConnection writer) {
        if (!running || !mode.equals("flood")) {
            return;
        }
        for (int i = 0; i < FLOOD_BURST && !writer.hasQueuedOutput(); i++) {
            send(writer);
        }
        if (!writer.hasQueuedOutput()) {
            loop.at(System.nanoTime(), () -> floodOn(writer)); // let the loop read before the next burst
        }
    }

    private void tick(long due, long period) {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        long next = due;
        while (next <= now) {
            send(nextWriter());
            next += period;
        }
        long following = next;
        loop.at(following, () -> tick(following, period));
    }

    private void refill() {
        while (running && tracker.sent() - tracker.everyoneHas() < window) {
            send(nextWriter());
        }
    }

    private WsConnection nextWriter() {
        WsConnection writer = writers.get(turn);
        turn = (turn + 1) % writers.size();
        return writer;
    }

    private void send(WsConnection writer) {
        long now = System.nanoTime();
        long seq = tracker.nextEdit(now);
        writer.sendText("{\"type\":\"edit\",\"id\":\"e" + seq + "\",\"row\":\"r" + (2 + seq % FanoutMode.ROWS)
                + "\",\"col\":\"c1\",\"value\":\"" + AppliedText.stamp(seq, now) + "\"}");
    }
}
