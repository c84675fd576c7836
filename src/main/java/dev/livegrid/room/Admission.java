package dev.livegrid.room;

import java.util.Collection;

/**
 * Push-back for a sheet flooded with ops: decides, on the thread that read an op, whether it may enter
 * its room, so that what a flood leaves waiting stays short instead of growing into seconds of queue.
 * <ul>
 *   <li>A connection may have at most {@link #MAX_IN_FLIGHT} ops in its room unanswered (queued,
 *       applied and committing, or held): its room's queue holds at most that much of any client.</li>
 *   <li>When most members of the sheet are behind — {@link #BEHIND} or more messages waiting in their
 *       outboxes — the server, not one slow reader, is the bottleneck: the sheet is congested, and a
 *       connection may then send an op only when it has none unanswered. Everyone keeps one op
 *       moving (nobody starves, however hard another client floods), the flood slows to one op per
 *       round trip, and the readers' queues drain. A single slow reader never congests a sheet: its
 *       outbox merges, and past its bounds closes it with 1013.</li>
 * </ul>
 * Refused ops are answered {@code rate-limited} at once, never queued. Whether the sheet is congested
 * is judged in its sequencer after every {@link #SAMPLE_EVERY}th broadcast (one look at each member's
 * outbox), and again every {@link #RECHECK_MILLIS} ms while it is, since a congested sheet broadcasts
 * little.
 */
final class Admission {

    /** Unanswered ops one connection may have in its room. */
    static final int MAX_IN_FLIGHT = 256;
    /** Messages waiting in a member's outbox from which it counts as behind. */
    static final int BEHIND = 64;
    static final int SAMPLE_EVERY = 16;
    static final long RECHECK_MILLIS = 10;

    /** Why an op was not admitted, for its {@code rate-limited} rejection; null when it was. */
    enum Refusal {
        TOO_MANY_IN_FLIGHT("more than " + MAX_IN_FLIGHT + " of this connection's ops are unanswered; wait for answers"),
        CONGESTED("the sheet's readers are behind; send the next op once the previous ones are answered");

        final String message;

        Refusal(String message) {
            this.message = message;
        }
    }

    private volatile boolean congested;
    /** Broadcasts since the last judgement; sequencer only. */
    private int broadcasts;

    /** On the reading thread: admits the op (counting it in flight until answered) or says why not. */
    Refusal admit(Member member) {
        return member.startOp(MAX_IN_FLIGHT, congested ? 1 : MAX_IN_FLIGHT);
    }

    boolean congested() {
        return congested;
    }

    /**
     * In sequence, after a broadcast to {@code members}: now and then judges the sheet; true when it has
     * just become congested (the room then asks for {@link #judge} again in {@link #RECHECK_MILLIS}).
     */
    boolean afterBroadcast(Collection<Member> members) {
        if (++broadcasts < SAMPLE_EVERY) {
            return false;
        }
        boolean was = congested;
        return judge(members) && !was;
    }

    /** In sequence: whether most members are behind now; records and returns it. */
    boolean judge(Collection<Member> members) {
        broadcasts = 0;
        int behind = 0;
        for (Member m : members) {
            if (m.outbox().pending() >= BEHIND) {
                behind++;
            }
        }
        congested = members.size() > 1 && 2 * behind > members.size();
        return congested;
    }
}
