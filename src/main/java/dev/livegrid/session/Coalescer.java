package dev.livegrid.session;

import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;

/**
 * Merges the queued updates of one cell into a newer update of it without reordering versions or
 * leaving a hole a reader cannot explain.
 */
final class Coalescer {

    private Coalescer() {
    }

    /**
     * Removes from {@code queue} the updates of {@code newer}'s cell (re-encodable, to be appended next),
     * lists each removed version and what it had listed in the {@code skipped} of the next update kept,
     * and returns {@code newer} standing in for them.
     */
    static Outgoing.Update merge(List<Outgoing> queue, Outgoing.Update newer) {
        String cell = newer.coalesceKey();
        List<Long> holes = new ArrayList<>();
        List<Long> merged = new ArrayList<>();
        for (ListIterator<Outgoing> it = queue.listIterator(); it.hasNext(); ) {
            if (!(it.next() instanceof Outgoing.Update u)) {
                continue;
            }
            if (cell.equals(u.coalesceKey()) && nextCanListHoles(queue, it.nextIndex())) {
                it.remove();
                holes.addAll(u.skipped());
                holes.add(u.version());
                merged.addAll(u.standsFor());
                merged.add(u.version());
            } else if (!holes.isEmpty()) {
                it.set(u.skipping(holes));
                holes.clear();
            }
        }
        Outgoing.Update result = newer.standingFor(merged);
        return holes.isEmpty() ? result : result.skipping(holes);
    }

    /**
     * Whether the first update from {@code index} on (or, if there is none, the newer one appended
     * after them all) can be re-encoded to list the versions removed before it.
     */
    private static boolean nextCanListHoles(List<Outgoing> queue, int index) {
        for (int i = index; i < queue.size(); i++) {
            if (queue.get(i) instanceof Outgoing.Update next) {
                return next.reencodable();
            }
        }
        return true;
    }
}
