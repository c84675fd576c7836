package dev.livegrid.bench.load;

/**
 * A second, well-behaved writer beside the fan-out writers: a few edits a second to a row of its own,
 * timed to every viewer apart from the load. Under a flood it answers what a flood does to everyone
 * else — whether another author's edits still get through, and how late — which the flooding writer's
 * own edits cannot: those wait in the flooding client's own socket buffer before the server can read
 * them, however fast it refuses.
 */
final class Bystander {

    /** Bystander edits are numbered from here, so a delivery's stamp says whose edit it was. */
    static final long FIRST_SEQ = 1_000_000_000_000L;

    private final WsLoop loop;
    private final WsConnection connection;
    private final String row;
    private final long period;
    final Latency perDelivery = new Latency();
    private long measureFrom = Long.MAX_VALUE;
    private long seq = FIRST_SEQ;
    private boolean running;
    long sent;
    long applied;
    long rejected;

    /** {@code perSecond} edits a second to {@code row}, column {@code c1}. */
    Bystander(WsLoop loop, WsConnection connection, String row, double perSecond) {
        this.loop = loop;
        this.connection = connection;
        this.row = row;
        this.period = (long) (1e9 / perSecond);
    }

    static boolean isBystanders(long seq) {
        return seq >= FIRST_SEQ;
    }

    void start() {
        running = true;
        tick(System.nanoTime());
    }

    void stop() {
        running = false;
    }

    void measureFromNow() {
        measureFrom = System.nanoTime();
        perDelivery.reset();
    }

    void delivered(long sendNanos) {
        if (sendNanos >= measureFrom) {
            perDelivery.record(System.nanoTime() - sendNanos);
        }
    }

    private void tick(long due) {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        sent++;
        connection.sendText("{\"type\":\"edit\",\"id\":\"b" + seq + "\",\"row\":\"" + row
                + "\",\"col\":\"c1\",\"value\":\"" + AppliedText.stamp(seq++, now) + "\"}");
        long next = Math.max(due + period, now);
        loop.at(next, () -> tick(next));
    }

    JsonLine json() {
        return new JsonLine()
                .put("per_second", 1e9 / period)
                .put("sent", sent)
                .put("applied", applied)
                .put("rejected", rejected)
                .put("per_delivery", perDelivery.json());
    }
}
