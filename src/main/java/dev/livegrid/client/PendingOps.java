package dev.livegrid.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * This client's ops not yet answered, in the order they went (or will go) on the wire, as livegrid.js
 * keeps them: resent after every welcome, held while the server asks to wait ({@code rate-limited}).
 * Used on the event thread only.
 */
final class PendingOps {

    /** One op: its id, what it asks, its frame as sent (and resent, unchanged), and its answer to come. */
    record Pending(String id, Op op, String frame, CompletableFuture<Applied> result) {

        /** The cell an edit writes ("row col": ids have no spaces), or null for other ops. */
        String cell() {
            return op instanceof Op.Edit edit ? edit.row() + " " + edit.col() : null;
        }
    }

    /** An acknowledged op, and the earlier edits found applied with it (see {@link #acknowledge}). */
    record Acknowledged(Pending op, List<Pending> mergedBefore) {
    }

    /** Held ops to send again now, edits given up because a newer edit of their cell was made, and whether more are held. */
    record Release(List<Pending> send, List<Pending> superseded, boolean more) {
    }

    private final Map<String, Pending> ops = new LinkedHashMap<>();
    /** Ids not on the wire: refused as {@code rate-limited}, or made after such a refusal (they keep their order behind it). */
    private final Set<String> held = new HashSet<>();
    /** Cell → id of the newest edit made to it while any op is pending. */
    private final Map<String, String> newestEdit = new HashMap<>();

    int size() {
        return ops.size();
    }

    Pending get(String id) {
        return ops.get(id);
    }

    List<Pending> inOrder() {
        return List.copyOf(ops.values());
    }

    /** Adds a new op; true when it may go out now, false when it waits behind held ones. */
    boolean add(Pending op) {
        ops.put(op.id(), op);
        if (op.cell() != null) {
            newestEdit.put(op.cell(), op.id());
        }
        if (!held.isEmpty()) {
            held.add(op.id());
            return false;
        }
        return true;
    }

    /**
     * Removes the acknowledged op. When the acknowledgement is live (newer than the connection's welcome, so
     * the op went through the server on this connection), also removes every edit sent before it that is
     * still unanswered: the server answers one connection's ops in the order sent, so such an edit was
     * applied and its acknowledgement merged away for a client that read too slowly.
     */
    Acknowledged acknowledge(String id, boolean live) {
        List<Pending> merged = new ArrayList<>();
        if (live) {
            for (Pending earlier : List.copyOf(ops.values())) {
                if (earlier.id().equals(id)) {
                    break;
                }
                if (earlier.cell() != null && !held.contains(earlier.id())) {
                    ops.remove(earlier.id());
                    merged.add(earlier);
                }
            }
        }
        Pending op = ops.remove(id);
        forgetEditsIfNonePending();
        return new Acknowledged(op, merged);
    }

    /** Removes an op that was answered for good (rejected) or given up. */
    Pending remove(String id) {
        Pending op = ops.remove(id);
        held.remove(id);
        forgetEditsIfNonePending();
        return op;
    }

    /** Every op, removed, oldest first. */
    List<Pending> removeAll() {
        List<Pending> all = List.copyOf(ops.values());
        ops.clear();
        held.clear();
        newestEdit.clear();
        return all;
    }

    /** The server refused the op as {@code rate-limited}: it waits, and so do ops made after it. */
    void hold(String id) {
        if (ops.containsKey(id)) {
            held.add(id);
        }
    }

    /** After a welcome every op goes out again, held or not. */
    void releaseAll() {
        held.clear();
    }

    /**
     * Takes up to {@code max} held ops to send again, oldest first, moving each to the end of the order (ops
     * sent while it waited went out before it). An edit of a cell this client has edited again since is
     * given up instead: sent now, it would put the older value back over the newer one.
     */
    Release release(int max) {
        List<Pending> send = new ArrayList<>();
        List<Pending> superseded = new ArrayList<>();
        boolean more = false;
        for (Pending op : List.copyOf(ops.values())) {
            if (!held.contains(op.id())) {
                continue;
            }
            if (send.size() == max) {
                more = true;
                break;
            }
            held.remove(op.id());
            ops.remove(op.id());
            if (op.cell() != null && !op.id().equals(newestEdit.get(op.cell()))) {
                superseded.add(op);
                continue;
            }
            ops.put(op.id(), op);
            send.add(op);
        }
        forgetEditsIfNonePending();
        return new Release(send, superseded, more);
    }

    /** The op with the largest frame, or null when none is pending. */
    Pending largest() {
        Pending largest = null;
        for (Pending op : ops.values()) {
            if (largest == null || op.frame().length() > largest.frame().length()) {
                largest = op;
            }
        }
        return largest;
    }

    /** Which edit is a cell's newest matters only against a pending op; once none is, the record goes, so it never grows with the session. */
    private void forgetEditsIfNonePending() {
        if (ops.isEmpty()) {
            newestEdit.clear();
        }
    }
}
