package dev.livegrid.room;

import dev.livegrid.sheet.Op;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Rejections a room computed against ops that are not durable yet, held until they are: a conflict
 * quotes those ops' values, and a failed commit could still take them back. Touched only by the
 * room's sequencer.
 */
final class HeldRejections {

    /** An op rejected when head was at {@code checkedAt}, with the answer to send once that version is durable. */
    record Held(long checkedAt, String by, String opId, Op request, OpResult result, Consumer<OpResult> answer) {
    }

    private final Deque<Held> held = new ArrayDeque<>();

    void hold(Held rejection) {
        held.addLast(rejection);
    }

    /** Sends every rejection checked at or before {@code durableVersion}, in order. */
    void release(long durableVersion) {
        while (!held.isEmpty() && held.peekFirst().checkedAt() <= durableVersion) {
            Held h = held.removeFirst();
            h.answer().accept(h.result());
        }
    }

    /** Takes them all back, in order: after a rollback they must be checked again. */
    List<Held> takeAll() {
        List<Held> all = new ArrayList<>(held);
        held.clear();
        return all;
    }
}
