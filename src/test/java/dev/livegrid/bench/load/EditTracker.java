package dev.livegrid.bench.load;

/**
 * Fan-out bookkeeping: every delivery's latency (send → this viewer), and each edit's moment of
 * reaching the slowest viewer ("every viewer has it"). A viewer that receives edit s is taken to
 * have everything before it, so the count stays right when LiveGrid merges queued edits of one
 * cell into a newer one (a slow viewer's outbox does). Edits are counted in a ring, so no more
 * than {@link #RING} may be outstanding: the rate and closed-loop writers stay far below that;
 * the flood writer does not track edits at all.
 */
final class EditTracker {

    static final int RING = 1 << 16;

    private final int viewers;
    private final boolean trackEdits;
    private final long[] sentAt = new long[RING];
    private final int[] reached = new int[RING];
    final Latency perDelivery = new Latency();
    final Latency perEdit = new Latency();
    private long measureFrom = Long.MAX_VALUE;
    private long sent;
    private long everyoneHas;
    long deliveries;
    private Runnable onEveryoneHas = () -> { };
    private EditTracker follower;

    EditTracker(int viewers, boolean trackEdits) {
        this.viewers = viewers;
        this.trackEdits = trackEdits;
    }

    /** Latencies count only for edits sent from now on. */
    void measureFromNow() {
        measureFrom = System.nanoTime();
        perDelivery.reset();
        perEdit.reset();
    }

    /**
     * Another group of viewers of the same edits, timed apart (viewers on another server): every edit
     * registered here is registered there too, with the same sequence number.
     */
    void alsoTrack(EditTracker other) {
        follower = other;
    }

    void whenEveryoneHas(Runnable action) {
        onEveryoneHas = action;
    }

    /** Registers the next edit and returns its sequence number (from 1). */
    long nextEdit(long sendNanos) {
        long seq = ++sent;
        int slot = (int) (seq & (RING - 1));
        sentAt[slot] = sendNanos;
        reached[slot] = 0;
        if (follower != null) {
            follower.nextEdit(sendNanos);
        }
        return seq;
    }

    long sent() {
        return sent;
    }

    long everyoneHas() {
        return everyoneHas;
    }

    /** Viewer {@code last} (its last sequence, updated here) received edit {@code seq} sent at {@code sendNanos}. */
    void delivered(long[] last, long seq, long sendNanos) {
        long now = System.nanoTime();
        deliveries++;
        if (sendNanos >= measureFrom) {
            perDelivery.record(now - sendNanos);
        }
        if (trackEdits) {
            for (long k = last[0] + 1; k <= seq; k++) {
                int slot = (int) (k & (RING - 1));
                if (++reached[slot] == viewers) {
                    everyoneHas = k;
                    if (sentAt[slot] >= measureFrom) {
                        perEdit.record(now - sentAt[slot]);
                    }
                    onEveryoneHas.run();
                }
            }
        }
        last[0] = Math.max(last[0], seq);
    }
}
