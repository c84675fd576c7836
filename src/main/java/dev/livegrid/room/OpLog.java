package dev.livegrid.room;

import dev.livegrid.sheet.Op;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@code window} applied ops of a sheet, each with its encoded {@code applied} message: what
 * a resuming client missed, and what a resent op id was already acked with.
 */
final class OpLog {

    /** One applied op: its version, author, client op id, the op as requested, and its applied message. */
    record Entry(long version, String by, String opId, Op request, String appliedText) {
    }

    private final int window;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Map<String, List<Entry>> byOpId = new HashMap<>();

    OpLog(int window) {
        this.window = window;
    }

    void append(Entry entry) {
        entries.addLast(entry);
        byOpId.computeIfAbsent(entry.opId(), id -> new ArrayList<>(1)).add(entry);
        if (entries.size() > window) {
            Entry oldest = entries.removeFirst();
            List<Entry> same = byOpId.get(oldest.opId());
            same.remove(oldest);
            if (same.isEmpty()) {
                byOpId.remove(oldest.opId());
            }
        }
    }

    /**
     * The entry of an op already applied by the same author with this id and the same request, or null.
     * Comparing the author and the request too keeps two clients that happen to pick the same op id
     * (or one that copies another's) from being answered with the other's ack.
     */
    Entry duplicateOf(String by, String opId, Op request) {
        for (Entry e : byOpId.getOrDefault(opId, List.of())) {
            if (e.by().equals(by) && e.request().equals(request)) {
                return e;
            }
        }
        return null;
    }

    /** Whether every op after {@code since} up to {@code current} is still here. */
    boolean covers(long since, long current) {
        if (since < 0 || since > current) {
            return false;
        }
        if (since == current) {
            return true;
        }
        return !entries.isEmpty() && entries.peekFirst().version() <= since + 1;
    }

    /**
     * Whether the ops after {@code since} fit in {@code maxItems} messages and {@code maxBytes} (two
     * bytes a character, as an outbox counts them). A room replays only what fits in half a client's
     * outbox: a larger backlog would overflow it at once, however fast the client reads, so such a
     * client gets a full welcome instead.
     */
    boolean replayFits(long since, int maxItems, long maxBytes) {
        List<Entry> missed = after(since);
        if (missed.size() > maxItems) {
            return false;
        }
        long bytes = 0;
        for (Entry entry : missed) {
            bytes += 2L * entry.appliedText().length();
        }
        return bytes <= maxBytes;
    }

    /** The entries after {@code since}, in version order. */
    List<Entry> after(long since) {
        List<Entry> missed = new ArrayList<>();
        for (Entry e : entries) {
            if (e.version() > since) {
                missed.add(e);
            }
        }
        return missed;
    }
}
