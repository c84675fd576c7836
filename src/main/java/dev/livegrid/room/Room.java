package dev.livegrid.room;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.protocol.Messages;
import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.session.Outgoing;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Reason;
import dev.livegrid.sheet.Rejection;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import dev.livegrid.store.Change;
import dev.livegrid.store.LoggedOp;
import jakarta.websocket.CloseReason;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One live sheet: its members, their presence, and the sequencer that orders every op. Everything
 * that reads or changes the sheet, the op log or the member list runs as a sequencer task, so none of
 * it needs a lock; tasks only offer to outboxes or hand changes to the committer, and never block.
 * <p>
 * Durable before acknowledged: an op is checked and applied to {@code head} at once (so the next op
 * is checked against it), handed to the {@link Committer}, and only when its commit is reported is it
 * applied to {@code durable}, logged and broadcast — encoded once, the same text offered to every
 * member, the author's copy being its ack. Joiners, snapshots and HTTP reads see {@code durable}. A
 * failed commit rejects every pending op with {@code store-unavailable} and resets {@code head}.
 */
public final class Room {

    /** Tasks a room may have waiting before it refuses more (ops are then rate-limited). */
    static final int QUEUE_CAPACITY = 10_000;
    /** A snapshot is written after this many ops, which bounds what a restart replays. */
    static final int SNAPSHOT_EVERY = 500;

    /** An op applied to {@code head} whose commit has not been reported yet. */
    private record Pending(long version, String by, String opId, Op request, Op applied, String text,
                           List<Consumer<OpResult>> answers) {
    }

    private final Sheet durable;
    private final Limits limits;
    private final OpLog log;
    private final int opWindow;
    private final Sequencer sequencer;
    private final Committer committer;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private Sheet head;
    private boolean stored;
    private boolean initialSnapshotSent;
    /** Bumped by each rollback; the committer fails changes of a failed epoch without trying them. */
    private int epoch;
    private long snapshotVersion;
    private boolean retired;
    private CompletableFuture<Void> retirement;

    /**
     * @param durable the sheet as committed (or as created, when {@code stored} is false: its first
     *                commit then writes it as the initial snapshot)
     */
    Room(Sheet durable, boolean stored, OpLog log, Limits limits, int opWindow, Executor pool, Committer committer) {
        this.durable = durable;
        this.stored = stored;
        this.snapshotVersion = durable.version();
        this.log = log;
        this.limits = limits;
        this.opWindow = opWindow;
        this.sequencer = new Sequencer(pool, QUEUE_CAPACITY);
        this.committer = committer;
        this.head = Sheet.of(durable.snapshot(), limits);
        if (!stored) {
            // A new sheet is written as created at once, so it exists (and lists) before its first op.
            committer.submitSnapshot(this, epoch, new Change.Snapshotted(durable.snapshot(), 0));
            initialSnapshotSent = true;
        }
    }

    public String id() {
        return durable.id();
    }

    /** Adds the member and sends it the sheet: a full welcome, or on resume the ops it missed. */
    public void join(Member member, Long since) {
        sequencer.submitAlways(() -> {
            members.put(member.id(), member);
            welcome(member, since);
            broadcastPresence();
        });
    }

    public void leave(Member member) {
        sequencer.submitAlways(() -> {
            if (members.remove(member.id()) != null) {
                broadcastPresence();
            }
        });
    }

    /** Handles one decoded frame from a member. */
    public void receive(Member member, ClientMessage message) {
        if (message instanceof ClientMessage.Malformed bad) {
            refuse(member, Codec.encode(Messages.badMessage(bad.problem())));
        } else if (!member.tryAcquire()) {
            if (message instanceof ClientMessage.OpRequest op) {
                refuse(member, rejectedText(op.id(), Reason.RATE_LIMITED, "more than the allowed ops per second"));
            } else {
                refuse(member, null);
            }
        } else if (message instanceof ClientMessage.OpRequest op) {
            member.clearStrikes();
            submitFrom(member, op);
        } else {
            member.clearStrikes();
            ServerMessage.Focus focus = message instanceof ClientMessage.Focus f ? new ServerMessage.Focus(f.row(), f.col()) : null;
            sequencer.submit(() -> moveFocus(member, focus));
        }
    }

    /** Applies one op on behalf of {@code by} (e.g. from HTTP), ordered, made durable and broadcast like socket ops. */
    public CompletableFuture<OpResult> submit(String by, String opId, Op request) {
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        if (!sequencer.submit(() -> apply(by, opId, request, result::complete))) {
            result.complete(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "the sheet is overloaded"),
                    Reason.RATE_LIMITED));
        }
        return result;
    }

    /** A consistent copy of the sheet as committed, taken in sequence with the ops. */
    public CompletableFuture<Snapshot> snapshot() {
        CompletableFuture<Snapshot> result = new CompletableFuture<>();
        if (!sequencer.submit(() -> result.complete(durable.snapshot()))) {
            result.completeExceptionally(new IllegalStateException("sheet " + id() + " is overloaded"));
        }
        return result;
    }

    /**
     * Ends the room: later ops are refused, members are closed with {@code reason} (if not null), and
     * the future completes once every op handed to the committer has been reported.
     */
    CompletableFuture<Void> retire(CloseReason reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sequencer.submitAlways(() -> {
            retired = true;
            if (reason != null) {
                members.values().forEach(m -> m.outbox().close(reason));
            }
            retirement = done;
            finishRetirementIfIdle();
        });
        return done;
    }

    /** Reported by the committer: these versions are durable. Runs them through to everyone. */
    void committed(List<Long> versions) {
        sequencer.submitAlways(() -> {
            stored = true;
            for (long version : versions) {
                Pending p = pending.peekFirst();
                if (p == null || p.version() != version) {
                    continue; // rejected meanwhile by a failure report
                }
                pending.removeFirst();
                publish(p);
            }
            snapshotIfDue();
            finishRetirementIfIdle();
        });
    }

    /**
     * Reported by the committer: a commit of {@code failedEpoch} failed. Every pending op is rejected
     * (each was applied on top of the failed ones), head is reset to the durable sheet, and a new
     * epoch begins. A report about an epoch already rolled back is ignored.
     */
    void commitFailed(String problem, int failedEpoch) {
        sequencer.submitAlways(() -> {
            if (failedEpoch != epoch) {
                return;
            }
            epoch++;
            for (Pending p : pending) {
                OpResult rejected = OpResult.rejected(rejectedText(p.opId(), Reason.STORE_UNAVAILABLE,
                        "the store could not commit it (the server log says why); nothing of it was applied"),
                        Reason.STORE_UNAVAILABLE);
                p.answers().forEach(answer -> answer.accept(rejected));
            }
            pending.clear();
            initialSnapshotSent = stored;
            head = Sheet.of(durable.snapshot(), limits);
            finishRetirementIfIdle();
        });
    }

    private void submitFrom(Member member, ClientMessage.OpRequest op) {
        Consumer<OpResult> answer = result -> {
            if (!result.applied() || result.duplicate()) {
                // A broadcast reaches the author as its ack; a rejection or a repeated ack does not.
                member.outbox().offer(new Outgoing.Text(result.text()));
            }
        };
        if (!sequencer.submit(() -> apply(member.id(), op.id(), op.toOp(), answer))) {
            refuse(member, rejectedText(op.id(), Reason.RATE_LIMITED, "the sheet is overloaded"));
        }
    }

    private void apply(String by, String opId, Op request, Consumer<OpResult> answer) {
        if (retired) {
            answer.accept(OpResult.rejected(rejectedText(opId, Reason.INVALID, "the sheet was closed"), Reason.INVALID));
            return;
        }
        OpLog.Entry duplicate = log.duplicateOf(opId, request);
        if (duplicate != null) {
            answer.accept(OpResult.duplicate(duplicate.appliedText()));
            return;
        }
        for (Pending p : pending) {
            if (p.opId().equals(opId) && p.request().equals(request)) {
                p.answers().add(result -> answer.accept(result.applied() ? OpResult.duplicate(result.text()) : result));
                return;
            }
        }
        if (!committer.reserve()) {
            answer.accept(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "the store is behind"),
                    Reason.RATE_LIMITED));
            return;
        }
        Outcome outcome = head.apply(request);
        if (outcome instanceof Outcome.Rejected r) {
            committer.release();
            Rejection rejection = r.rejection();
            answer.accept(OpResult.rejected(Codec.encode(Messages.rejected(opId, rejection)), rejection.reason()));
            return;
        }
        Outcome.Applied applied = (Outcome.Applied) outcome;
        String text = Codec.encode(new ServerMessage.Applied(applied.version(), by, opId, applied.op(), null));
        List<Consumer<OpResult>> answers = new ArrayList<>(1);
        answers.add(answer);
        pending.addLast(new Pending(applied.version(), by, opId, request, applied.op(), text, answers));
        if (!stored && !initialSnapshotSent) {
            // A sheet's first commit writes it as created, so its ops have a snapshot to replay on.
            committer.submitSnapshot(this, epoch, new Change.Snapshotted(durable.snapshot(), 0));
            initialSnapshotSent = true;
        }
        committer.submit(this, epoch, new Change.Applied(id(), new LoggedOp(applied.version(), by, opId, request, text,
                Instant.now()), head.rowCount(), head.columnCount()));
    }

    /** A durable op: apply it to the durable sheet, log it, broadcast it, answer its author. */
    private void publish(Pending p) {
        durable.apply(p.request());
        log.append(new OpLog.Entry(p.version(), p.by(), p.opId(), p.request(), p.text()));
        broadcast(p);
        OpResult applied = OpResult.applied(p.text());
        p.answers().forEach(answer -> answer.accept(applied));
    }

    private void broadcast(Pending p) {
        String cell = p.applied() instanceof Op.Edit e ? e.row() + "\u0000" + e.col() : null;
        Outgoing.Update update = new Outgoing.Update(p.text(), p.version(), cell, List.of(),
                skipped -> Codec.encode(new ServerMessage.Applied(p.version(), p.by(), p.opId(), p.applied(), skipped)));
        // The author's copy is its ack, matched by op id: it must never be merged away.
        Outgoing.Update ack = Outgoing.Update.of(p.text(), p.version());
        for (Member m : members.values()) {
            m.outbox().offer(m.id().equals(p.by()) ? ack : update);
        }
    }

    private void snapshotIfDue() {
        if (durable.version() - snapshotVersion < SNAPSHOT_EVERY) {
            return;
        }
        snapshotVersion = durable.version();
        // Keep what a restart replays (after the snapshot) and what resume needs (the last opWindow ops).
        long keepFrom = Math.min(snapshotVersion + 1, durable.version() - opWindow + 1);
        committer.submitSnapshot(this, epoch, new Change.Snapshotted(durable.snapshot(), keepFrom));
    }

    private void finishRetirementIfIdle() {
        boolean written = stored || !initialSnapshotSent;
        if (retired && retirement != null && pending.isEmpty() && written) {
            committer.forget(this);
            retirement.complete(null);
        }
    }

    private void welcome(Member member, Long since) {
        List<ServerMessage.User> users = users();
        if (since != null && log.covers(since, durable.version()) && replayFits(member, since)) {
            member.outbox().offer(Outgoing.Update.of(Codec.encode(
                    Messages.resumed(durable.id(), durable.version(), member.id(), users, since)), since));
            for (OpLog.Entry missed : log.after(since)) {
                member.outbox().offer(Outgoing.Update.of(missed.appliedText(), missed.version()));
            }
        } else {
            Snapshot snapshot = durable.snapshot();
            member.outbox().offer(Outgoing.Update.of(Codec.encode(Messages.welcome(snapshot, member.id(), users)),
                    snapshot.version()));
        }
    }

    /**
     * Whether the missed ops fit in half the member's outbox: a larger backlog would overflow it at
     * once, however fast the client reads, so such a client gets a full welcome instead.
     */
    private boolean replayFits(Member member, long since) {
        long bytes = 0;
        for (OpLog.Entry missed : log.after(since)) {
            bytes += 2L * missed.appliedText().length();
        }
        return bytes <= member.outbox().maxBytes() / 2;
    }

    private void moveFocus(Member member, ServerMessage.Focus focus) {
        if (!members.containsKey(member.id())) {
            return;
        }
        Rejection invalid = focus == null ? null : durable.checkCell(focus.row(), focus.col());
        if (invalid != null) {
            member.outbox().offer(new Outgoing.Text(Codec.encode(Messages.badMessage("focus: " + invalid.message()))));
            return;
        }
        member.focus = focus;
        broadcastPresence();
    }

    private void broadcastPresence() {
        Outgoing.Droppable presence = new Outgoing.Droppable(Codec.encode(new ServerMessage.Presence(users())));
        for (Member m : members.values()) {
            m.outbox().offer(presence);
        }
    }

    private List<ServerMessage.User> users() {
        return members.values().stream().map(Member::user).toList();
    }

    /** Answers a refused frame (if there is an answer) and closes a client that keeps at it. */
    private static void refuse(Member member, String answer) {
        if (answer != null) {
            member.outbox().offer(new Outgoing.Text(answer));
        }
        if (member.strike()) {
            member.outbox().close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                    "too many invalid or rate-limited messages in a row"));
        }
    }

    private static String rejectedText(String opId, Reason reason, String message) {
        return Codec.encode(Messages.rejected(opId, Rejection.of(reason, message)));
    }
}
