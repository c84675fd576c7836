package dev.livegrid.room;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.protocol.Messages;
import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.session.Outgoing;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Reason;
import dev.livegrid.sheet.Rejection;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import jakarta.websocket.CloseReason;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One live sheet: its members, their presence, and the sequencer that orders every op. Everything
 * that reads or changes the sheet, the op log or the member list runs as a sequencer task, so none of
 * it needs a lock; tasks only offer to outboxes and never block.
 * <p>
 * An applied op is encoded once and the same text is offered to every member's outbox, the author's
 * included (its ack).
 */
public final class Room {

    /** Tasks a room may have waiting before it refuses more (ops are then rate-limited). */
    static final int QUEUE_CAPACITY = 10_000;

    private final Sheet sheet;
    private final OpLog log;
    private final Sequencer sequencer;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private boolean retired;

    Room(Sheet sheet, OpLog log, Executor pool) {
        this.sheet = sheet;
        this.log = log;
        this.sequencer = new Sequencer(pool, QUEUE_CAPACITY);
    }

    public String id() {
        return sheet.id();
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

    /** Applies one op on behalf of {@code by} (e.g. from HTTP), ordered and broadcast like socket ops. */
    public CompletableFuture<OpResult> submit(String by, String opId, Op request) {
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        if (!sequencer.submit(() -> result.complete(apply(by, opId, request)))) {
            result.complete(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "the sheet is overloaded"),
                    Reason.RATE_LIMITED));
        }
        return result;
    }

    /** A consistent copy of the sheet, taken in sequence with the ops. */
    public CompletableFuture<Snapshot> snapshot() {
        CompletableFuture<Snapshot> result = new CompletableFuture<>();
        if (!sequencer.submit(() -> result.complete(sheet.snapshot()))) {
            result.completeExceptionally(new IllegalStateException("sheet " + id() + " is overloaded"));
        }
        return result;
    }

    /** Ends the room after the tasks already queued; the sheet and its log are handed back for keeping. */
    CompletableFuture<Dormant> retire() {
        CompletableFuture<Dormant> result = new CompletableFuture<>();
        sequencer.submitAlways(() -> {
            retired = true;
            result.complete(new Dormant(sheet, log));
        });
        return result;
    }

    /** A closed room's state, kept in memory until it is opened again. */
    record Dormant(Sheet sheet, OpLog log) {
    }

    private void submitFrom(Member member, ClientMessage.OpRequest op) {
        boolean queued = sequencer.submit(() -> {
            OpResult result = apply(member.id(), op.id(), op.toOp());
            if (!result.applied() || result.duplicate()) {
                // A broadcast already reached the author as its ack; a rejection or a repeated ack did not.
                member.outbox().offer(new Outgoing.Text(result.text()));
            }
        });
        if (!queued) {
            refuse(member, rejectedText(op.id(), Reason.RATE_LIMITED, "the sheet is overloaded"));
        }
    }

    private OpResult apply(String by, String opId, Op request) {
        if (retired) {
            return OpResult.rejected(rejectedText(opId, Reason.INVALID, "the sheet was closed"), Reason.INVALID);
        }
        OpLog.Entry duplicate = log.duplicateOf(opId, request);
        if (duplicate != null) {
            return OpResult.duplicate(duplicate.appliedText());
        }
        Outcome outcome = sheet.apply(request);
        if (outcome instanceof Outcome.Rejected r) {
            Rejection rejection = r.rejection();
            return OpResult.rejected(Codec.encode(Messages.rejected(opId, rejection)), rejection.reason());
        }
        Outcome.Applied applied = (Outcome.Applied) outcome;
        String text = Codec.encode(new ServerMessage.Applied(applied.version(), by, opId, applied.op(), null));
        log.append(new OpLog.Entry(applied.version(), by, opId, request, text));
        broadcast(applied, by, opId, text);
        return OpResult.applied(text);
    }

    private void broadcast(Outcome.Applied applied, String by, String opId, String text) {
        String cell = applied.op() instanceof Op.Edit e ? e.row() + "\u0000" + e.col() : null;
        Outgoing.Update update = new Outgoing.Update(text, applied.version(), cell, List.of(),
                skipped -> Codec.encode(new ServerMessage.Applied(applied.version(), by, opId, applied.op(), skipped)));
        // The author's copy is its ack, matched by op id: it must never be merged away.
        Outgoing.Update ack = Outgoing.Update.of(text, applied.version());
        for (Member m : members.values()) {
            m.outbox().offer(m.id().equals(by) ? ack : update);
        }
    }

    private void welcome(Member member, Long since) {
        List<ServerMessage.User> users = users();
        if (since != null && log.covers(since, sheet.version()) && replayFits(member, since)) {
            member.outbox().offer(Outgoing.Update.of(Codec.encode(
                    Messages.resumed(sheet.id(), sheet.version(), member.id(), users, since)), since));
            for (OpLog.Entry missed : log.after(since)) {
                member.outbox().offer(Outgoing.Update.of(missed.appliedText(), missed.version()));
            }
        } else {
            Snapshot snapshot = sheet.snapshot();
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
        Rejection invalid = focus == null ? null : sheet.checkCell(focus.row(), focus.col());
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
