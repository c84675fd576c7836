package dev.livegrid.room;

import dev.livegrid.access.AccessPolicy;
import dev.livegrid.access.Authenticator;
import dev.livegrid.access.CredentialsException;
import dev.livegrid.access.Identity;
import dev.livegrid.access.Role;
import dev.livegrid.metrics.Meters;
import dev.livegrid.presence.RemoteUsers;
import dev.livegrid.presence.Roster;
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
import dev.livegrid.store.SheetTail;
import jakarta.websocket.CloseReason;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One live sheet: its members, their presence, and the sequencer that orders every op. Everything
 * that reads or changes the sheet, the op log or the member list runs as a sequencer task, so none of
 * it needs a lock; tasks only offer to outboxes or hand changes to the committer, and never block.
 * <p>
 * Durable before anyone hears of it: an op is checked and applied to {@code head} at once (so the
 * next op is checked against it), handed to the {@link Committer}, and only when its commit is
 * reported is it applied to {@code durable}, logged and broadcast — encoded once, the same text
 * offered to every member, the author's copy being its ack. Joiners, snapshots and HTTP reads see
 * {@code durable}. A rejection checked against ops still pending is held until they are durable (it
 * may quote them); if their commit fails, the held ops are checked again. A failed commit rejects
 * every pending op with {@code store-unavailable} and resets {@code head}.
 */
public final class Room {

    private static final Logger LOG = Logger.getLogger(Room.class.getName());
    /** Tasks a room may have waiting before it refuses more (ops are then rate-limited). */
    static final int QUEUE_CAPACITY = 10_000;
    /** A snapshot is written after this many ops, which bounds what a restart replays. */
    static final int SNAPSHOT_EVERY = 500;

    /**
     * How long presence changes gather before they go out as one message: a crowd joining at once
     * costs every member one message per window, not one per joiner; a cursor moves visibly late by at
     * most this much.
     */
    static final long PRESENCE_WINDOW_MILLIS = 50;

    /** Close code: the user's access to this sheet was revoked (or never was, when joining). */
    public static final int ACCESS_REVOKED = 4003;

    /** An access-list change handed to the committer; applied (and answered) once it is durable. */
    private record PendingAccess(String userId, Role role, CompletableFuture<AccessResult> answer) {
    }

    /**
     * An op applied to {@code head} whose commit has not been reported yet; {@code rounds} counts the
     * times it was numbered again because other servers had committed first.
     */
    private record Pending(long version, String by, String opId, Op request, Op applied, String text,
                           List<Consumer<OpResult>> answers, int rounds) {
    }

    /** An op waiting for the room to catch up with other servers' commits before it is applied. */
    private record Waiting(String by, String opId, Op request, Consumer<OpResult> answer, int rounds) {
    }

    /**
     * How many times an op may find its sheet moved on by other servers and be numbered again before it
     * is refused as rate-limited (its client sends it again later): a bound on the work one op costs
     * when several servers write one sheet as fast as they can.
     */
    static final int MAX_CATCH_UP_ROUNDS = 8;

    private final Sheet durable;
    private final Limits limits;
    private final OpLog log;
    private final int opWindow;
    private final Sequencer sequencer;
    private final Committer committer;
    private final Set<Member> members = new LinkedHashSet<>();
    /** Who is here: this server's members, and (cluster mode) other servers' users ({@link RemoteUsers}). */
    private final Roster<Object> roster = new Roster<>();
    /** Other servers' users on this sheet (cluster mode), as last read. */
    private final RemoteUsers remote = new RemoteUsers(roster);
    /** Whether {@code remote} has anyone, readable from any thread (a presence poll skips rooms with none to drop). */
    private volatile boolean remoteUsers;
    /** This server's users as last shared with the other servers (cluster mode). */
    private List<ServerMessage.User> sharedPresence = List.of();
    /**
     * Where presence flushes wait out their window and a congested sheet's next look at its readers
     * waits; null: presence is sent right after the change, and congestion is judged only on broadcasts.
     */
    private final ScheduledExecutorService timer;
    private boolean presenceFlushDue;
    private final Admission admission = new Admission();
    private final Meters meters;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final HeldRejections held = new HeldRejections();
    /** The sheet's access list as committed, user id to role; changed only in sequencer tasks. */
    private final Map<String, Role> access;
    /** A copy of {@code access} for readers on other threads (handshake and HTTP checks). */
    private volatile Map<String, Role> accessView;
    private final Deque<PendingAccess> pendingAccess = new ArrayDeque<>();
    private Sheet head;
    private boolean stored;
    private boolean initialSnapshotSent;
    /** Snapshots handed to the committer and not reported yet; a retiring room waits for them. */
    private int snapshotsInFlight;
    /** Bumped by each rollback; the committer fails changes of a failed epoch without trying them. */
    private int epoch;
    private long snapshotVersion;
    private boolean retired;
    /** How members joining a retired room are closed: 4004 after a delete, 1001 otherwise. */
    private CloseReason retiredReason;
    private CompletableFuture<Void> retirement;
    /** The durable sheet's size, readable from any thread (the registry weighs idle rooms by it). */
    private volatile long size;
    /** The durable sheet's version, readable from any thread (what a catch-up reads after). */
    private volatile long durableVersion;
    /** Where the room follows other servers' commits (cluster mode); null when its server is the sheet's only writer. */
    private final Follower follower;
    /** When this life of the sheet was created in the store (0: unknown), to tell it from a re-creation elsewhere. */
    private final long createdAt;
    /**
     * Whether the room found itself behind other servers' commits and is reading them: ops wait in
     * {@code waiting} meanwhile (applying them to a stale head would only be refused again).
     */
    private boolean catchingUp;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    /** A catch-up came while own ops were being committed; it is asked for again once they are reported. */
    private boolean catchUpAfterCommit;

    /**
     * @param durable the sheet as committed (or as created, when {@code stored} is false: it is then
     *                written at once as the sheet's initial snapshot)
     */
    Room(Sheet durable, boolean stored, OpLog log, Limits limits, int opWindow, Executor pool, Committer committer) {
        this(durable, stored, Map.of(), log, limits, opWindow, pool, null, committer, Meters.NONE);
    }

    /**
     * @param access the sheet's access list: as stored, or for a new sheet its creator as owner (then
     *               written right after the sheet's initial snapshot)
     * @param timer where presence changes wait {@link #PRESENCE_WINDOW_MILLIS} to be sent together
     *                      (null: they are sent as soon as the sequencer has run what is queued)
     */
    Room(Sheet durable, boolean stored, Map<String, Role> access, OpLog log, Limits limits, int opWindow,
         Executor pool, ScheduledExecutorService timer, Committer committer, Meters meters) {
        this(durable, stored, access, log, limits, opWindow, pool, timer, committer, meters, null, 0);
    }

    /**
     * @param follower  where the room follows other servers' commits of its sheet (cluster mode), or null
     * @param createdAt when this life of the sheet was created in the store (0: not known)
     */
    Room(Sheet durable, boolean stored, Map<String, Role> access, OpLog log, Limits limits, int opWindow,
         Executor pool, ScheduledExecutorService timer, Committer committer, Meters meters, Follower follower,
         long createdAt) {
        this.follower = follower;
        this.createdAt = createdAt;
        this.durableVersion = durable.version();
        this.meters = meters;
        this.durable = durable;
        this.access = new HashMap<>(access);
        this.accessView = Map.copyOf(access);
        this.stored = stored;
        this.snapshotVersion = durable.version();
        this.log = log;
        this.limits = limits;
        this.opWindow = opWindow;
        this.sequencer = new Sequencer(pool, QUEUE_CAPACITY);
        this.committer = committer;
        this.timer = timer;
        this.head = Sheet.of(durable.snapshot(), limits);
        this.size = durable.size();
        if (!stored) {
            // A new sheet is written as created at once, so it exists (and lists) before its first op.
            submitSnapshot(Change.Snapshotted.creating(durable.snapshot()));
            initialSnapshotSent = true;
            resubmitCreatorAccess();
        }
    }

    public String id() {
        return durable.id();
    }

    /** Whether most of the sheet's members are behind, so ops are admitted only one per connection at a time (see {@link Admission}). */
    public boolean congested() {
        return admission.congested();
    }

    /** The durable sheet's size (see {@code SheetSize}), as of its last published op. */
    long size() {
        return size;
    }

    /** The version of the sheet as committed and published here; other servers may be further. */
    public long durableVersion() {
        return durableVersion;
    }

    /** When this life of the sheet was created in the store (epoch ms; 0 when not known). */
    public long createdAt() {
        return createdAt;
    }

    /**
     * Adds the member and sends it the sheet: a full welcome, or on resume the ops it missed — only
     * when {@code incarnation} is this sheet's (a sheet deleted and created again reuses versions).
     */
    public void join(Member member, Long since, String incarnation) {
        sequencer.submitAlways(() -> {
            if (retired) {
                // Acquired just before a DELETE retired the room: this sheet is gone for the joiner too.
                member.outbox().close(retiredReason);
                return;
            }
            Role role = AccessPolicy.roleOf(member.identity(), id(), access);
            if (!role.canRead()) {
                // Checked at the handshake too; this decides when the access list changed in between.
                member.outbox().close(new CloseReason(CloseReason.CloseCodes.getCloseCode(ACCESS_REVOKED),
                        "no access to this sheet"));
                return;
            }
            member.role = role;
            try {
                welcome(member, since, incarnation);
            } catch (RuntimeException | Error e) { // an OutOfMemoryError building a large welcome, say
                LOG.log(Level.SEVERE, "sheet " + id() + ": could not send the sheet to a joining client", e);
                member.outbox().close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                        "the server could not send the sheet; see its log"));
                return;
            }
            members.add(member);
            roster.arrive(member, member.id(), member.name());
            presenceChanged();
        });
    }

    public void leave(Member member) {
        sequencer.submitAlways(() -> {
            if (members.remove(member)) {
                roster.depart(member);
                presenceChanged();
            }
        });
    }

    /** Handles one decoded frame from a member. */
    public void receive(Member member, ClientMessage message) {
        if (message instanceof ClientMessage.Malformed bad) {
            refuse(member, Codec.encode(Messages.badMessage(bad.problem())));
        } else if (!member.tryAcquire()) {
            if (message instanceof ClientMessage.OpRequest op) {
                meters.opRejected(Reason.RATE_LIMITED.code());
                refuse(member, rejectedText(op.id(), Reason.RATE_LIMITED, "more than the allowed ops per second"));
            } else {
                refuse(member, null);
            }
        } else if (message instanceof ClientMessage.OpRequest op) {
            Admission.Refusal refusal = admission.admit(member);
            if (refusal != null) {
                // Push-back, not misbehaviour: answered at once, never queued, and no strike.
                meters.opRejected(Reason.RATE_LIMITED.code());
                member.outbox().offer(new Outgoing.Text(rejectedText(op.id(), Reason.RATE_LIMITED, refusal.message)));
                return;
            }
            member.clearStrikes();
            submitFrom(member, op);
        } else {
            member.clearStrikes();
            ServerMessage.Focus focus = message instanceof ClientMessage.Focus f ? new ServerMessage.Focus(f.row(), f.col()) : null;
            sequencer.submit(() -> moveFocus(member, focus));
        }
    }

    /**
     * A fresh token from the member (rate-limited like any frame): checked on the calling thread, then,
     * if it is valid and for the same user, it replaces the member's identity in sequence, and the
     * client is told its new expiry; otherwise the client gets an error and keeps its current token.
     */
    public void receiveToken(Member member, String token, Authenticator authenticator) {
        if (!member.tryAcquire()) {
            refuse(member, null);
            return;
        }
        Identity fresh;
        try {
            fresh = authenticator.verifyFresh(token);
        } catch (CredentialsException e) {
            refuse(member, Codec.encode(new ServerMessage.Error("bad-token", e.getMessage())));
            return;
        }
        if (!fresh.userId().equals(member.id())) {
            refuse(member, Codec.encode(new ServerMessage.Error("bad-token", "the token is for another user;"
                    + " a connection keeps its user: reconnect to change it")));
            return;
        }
        member.clearStrikes();
        sequencer.submitAlways(() -> {
            member.identity(fresh);
            member.outbox().offer(new Outgoing.Text(Codec.encode(new ServerMessage.Authenticated(fresh.expires().toString()))));
            if (members.contains(member)) {
                roster.arrive(member, member.id(), member.name()); // the fresh token may name the user anew
                presenceChanged();
                updateRole(member);
            }
        });
    }

    /** Answers a frame the endpoint could not take at all (a binary frame), counting it as a refusal. */
    public void refuseFrame(Member member, String problem) {
        refuse(member, Codec.encode(Messages.badMessage(problem)));
    }

    /**
     * The role of {@code who} on this sheet, by the access list as last committed. For checks on other
     * threads (handshakes, HTTP reads); ops and joins are decided again in sequence.
     */
    public Role roleOf(Identity who) {
        return AccessPolicy.roleOf(who, id(), accessView);
    }

    /** The access list as last committed, user id to role. */
    public Map<String, Role> accessList() {
        return accessView;
    }

    /**
     * Sets {@code userId}'s access-list entry to {@code role} (null removes it), if {@code caller} owns
     * the sheet. Completes once the change is durable: the user's open connections then get their
     * new role, or are closed with 4003 when it is {@code none}.
     */
    public CompletableFuture<AccessResult> changeAccess(Identity caller, String userId, Role role) {
        CompletableFuture<AccessResult> result = new CompletableFuture<>();
        if (!sequencer.submit(() -> {
            if (retired) {
                result.complete(AccessResult.NO_SUCH_SHEET);
            } else if (!AccessPolicy.roleOf(caller, id(), access).canManage()) {
                result.complete(AccessResult.FORBIDDEN);
            } else {
                pendingAccess.addLast(new PendingAccess(userId, role, result));
                committer.submitAccess(this, epoch, new Change.AccessChanged(id(), userId, role));
            }
        })) {
            result.complete(AccessResult.BUSY);
        }
        return result;
    }

    /** Applies one op on behalf of {@code who} (from HTTP), if they may edit the sheet; see {@link #submit(String, String, Op)}. */
    public CompletableFuture<OpResult> submit(Identity who, String opId, Op request) {
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        Consumer<OpResult> answer = measured(result::complete);
        if (!sequencer.submit(() -> {
            if (!AccessPolicy.roleOf(who, id(), access).canEdit()) {
                answer.accept(readOnly(opId));
            } else {
                apply(who.userId(), opId, request, answer);
            }
        })) {
            meters.opRejected(Reason.RATE_LIMITED.code());
            result.complete(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "the sheet is overloaded"),
                    Reason.RATE_LIMITED));
        }
        return result;
    }

    /** Applies one op on behalf of {@code by} (e.g. from HTTP), ordered, made durable and broadcast like socket ops. */
    public CompletableFuture<OpResult> submit(String by, String opId, Op request) {
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        Consumer<OpResult> answer = measured(result::complete);
        if (!sequencer.submit(() -> apply(by, opId, request, answer))) {
            meters.opRejected(Reason.RATE_LIMITED.code());
            result.complete(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "the sheet is overloaded"),
                    Reason.RATE_LIMITED));
        }
        return result;
    }

    /**
     * The {@code applied} message of this op if it was applied already (same author, id and content,
     * within the op window), as a resend would get it; empty otherwise. For requests that decide from
     * the sheet whether to submit at all (a CSV import into an empty sheet), so that their resend still
     * learns the first outcome.
     */
    public CompletableFuture<Optional<String>> appliedBefore(String by, String opId, Op request) {
        CompletableFuture<Optional<String>> result = new CompletableFuture<>();
        if (!sequencer.submit(() -> {
            OpLog.Entry entry = log.duplicateOf(by, opId, request);
            result.complete(Optional.ofNullable(entry).map(OpLog.Entry::appliedText));
        })) {
            result.completeExceptionally(new IllegalStateException("sheet " + id() + " is overloaded"));
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
     * the future completes once every op and snapshot handed to the committer has been reported.
     */
    CompletableFuture<Void> retire(CloseReason reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sequencer.submitAlways(() -> {
            retired = true;
            retiredReason = reason != null ? reason
                    : new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "the sheet was closed; reconnect");
            if (reason != null) {
                members.forEach(m -> m.outbox().close(reason));
            }
            catchingUp = false;
            refuseWaiting(Reason.NO_SUCH_SHEET, "the sheet was deleted or closed");
            sharePresence(); // nobody is here through this server any more
            retirement = done;
            finishRetirementIfIdle();
        });
        return done;
    }

    /** Reported by the committer: these versions, {@code snapshots} snapshots and {@code accessChanges} access changes are durable. */
    void committed(List<Long> versions, int snapshots, int accessChanges) {
        sequencer.submitAlways(() -> {
            snapshotsInFlight -= snapshots;
            for (int i = 0; i < accessChanges; i++) {
                applyAccess(pendingAccess.removeFirst());
            }
            stored = true;
            for (long version : versions) {
                Pending p = pending.peekFirst();
                if (p == null || p.version() != version) {
                    continue; // rejected meanwhile by a failure report
                }
                pending.removeFirst();
                publish(p);
                // A rejection decided after this op and before the next goes out between their answers:
                // each connection gets its answers in the order it sent its ops.
                held.release(version);
            }
            held.release(durable.version());
            snapshotIfDue();
            if (catchUpAfterCommit && pending.isEmpty() && !retired) {
                catchUpAfterCommit = false;
                follower.catchUp(this);
            }
            finishRetirementIfIdle();
        });
    }

    /**
     * Reported by the committer: other servers committed versions of this sheet after the ones the
     * ops of {@code behindEpoch} were numbered from, so none of them was written. They are not lost:
     * they wait, in order and ahead of later ops, while the room reads what the others committed
     * ({@link #caughtUp}); then each is checked and numbered again. Clients saw nothing of them yet.
     */
    void commitBehind(int behindEpoch) {
        sequencer.submitAlways(() -> {
            if (behindEpoch != epoch) {
                return; // already rolled back (a failure or an earlier report of the same epoch)
            }
            epoch++;
            meters.sheetBehind();
            catchUpAfterCommit = false; // this catch-up is the one
            List<Waiting> again = new ArrayList<>();
            List<HeldRejections.Held> rejections = new ArrayList<>(held.takeAll());
            for (Pending p : pending) {
                // A rejection checked before this op was applied was decided first; keep that order.
                while (!rejections.isEmpty() && rejections.get(0).checkedAt() < p.version()) {
                    HeldRejections.Held h = rejections.remove(0);
                    again.add(new Waiting(h.by(), h.opId(), h.request(), h.answer(), 0));
                }
                List<Consumer<OpResult>> answers = p.answers();
                again.add(new Waiting(p.by(), p.opId(), p.request(), r -> answers.forEach(a -> a.accept(r)),
                        p.rounds() + 1));
            }
            rejections.forEach(h -> again.add(new Waiting(h.by(), h.opId(), h.request(), h.answer(), 0)));
            pending.clear();
            head = Sheet.of(durable.snapshot(), limits);
            for (int i = again.size() - 1; i >= 0; i--) {
                waiting.addFirst(again.get(i));
            }
            if (retired) {
                refuseWaiting(Reason.NO_SUCH_SHEET, "the sheet was deleted or closed");
                finishRetirementIfIdle();
            } else if (follower == null) {
                // Only another writer moves a sheet on; without one the store is not what this room wrote
                // (its row is missing, say): as after a failed commit, a sheet never stored is written as
                // created again with the next op.
                initialSnapshotSent = stored;
                refuseWaiting(Reason.STORE_UNAVAILABLE, "the store holds versions this server did not write;"
                        + " nothing of it was applied");
            } else {
                catchingUp = true;
                follower.catchUp(this);
            }
        });
    }

    /**
     * What the store holds after this room's durable version, read by the follower: other servers' ops
     * are applied, logged and broadcast in order (exactly as if they were this room's), then the ops
     * waiting for the catch-up are checked and numbered after them. While own ops are being committed
     * the read is put off until they are reported (they may be the ones before these).
     */
    void caughtUp(SheetTail tail) {
        sequencer.submitAlways(() -> {
            if (retired) {
                refuseWaiting(Reason.NO_SUCH_SHEET, "the sheet was deleted or closed");
                return;
            }
            if (!tail.exists() || (createdAt != 0 && tail.createdAt() != createdAt)) {
                lose(Reason.NO_SUCH_SHEET, "the sheet was deleted", new CloseReason(
                        CloseReason.CloseCodes.getCloseCode(4004), "sheet " + id() + " was deleted"));
                return;
            }
            if (!pending.isEmpty()) {
                catchUpAfterCommit = true;
                if (doomedBy(tail)) {
                    // Another server committed the version the first pending op was numbered as: the pending
                    // ops cannot commit (the committer will say so), and ops numbered after them could not
                    // either. Later ops wait for the catch-up instead of joining them.
                    catchingUp = true;
                }
                return;
            }
            for (LoggedOp op : tail.ops()) {
                if (op.version() <= durable.version()) {
                    continue;
                }
                if (op.version() != durable.version() + 1 || !adopt(op)) {
                    lose(Reason.STORE_UNAVAILABLE, "the sheet moved on further than this server can follow;"
                            + " send it again after reconnecting", movedOn());
                    return;
                }
            }
            if (durable.version() < tail.version()) {
                // The store's row is ahead of the ops it keeps: they were compacted into a snapshot.
                lose(Reason.STORE_UNAVAILABLE, "the sheet moved on further than this server can follow;"
                        + " send it again after reconnecting", movedOn());
                return;
            }
            held.release(durable.version());
            snapshotIfDue();
            if (catchingUp) {
                catchingUp = false;
                List<Waiting> ready = new ArrayList<>(waiting);
                waiting.clear();
                ready.forEach(w -> apply(w.by(), w.opId(), w.request(), w.answer(), w.rounds()));
            }
        });
    }

    /**
     * Who is on the sheet through the other servers, as read from the store (cluster mode): merged into
     * the roster as seats of their own, so members hear of them by the same joined/moved/left deltas.
     */
    void presenceElsewhere(Map<String, List<ServerMessage.User>> byServer) {
        sequencer.submitAlways(() -> {
            if (retired) {
                return;
            }
            boolean changed = remote.replaceWith(byServer);
            remoteUsers = !remote.isEmpty();
            if (changed) {
                presenceChanged();
            }
        });
    }

    /** Whether users through other servers are on this sheet, as last read (cluster mode). */
    boolean hasRemoteUsers() {
        return remoteUsers;
    }

    /** Tells the other servers who is here through this one (cluster mode), when that changed since last told. */
    private void sharePresence() {
        if (follower == null) {
            return;
        }
        List<ServerMessage.User> local = retired ? List.of() : roster.usersOf(seat -> seat instanceof Member);
        if (!local.equals(sharedPresence)) {
            sharedPresence = local;
            follower.sharePresence(this, local);
        }
    }

    /** Whether the store holds another op at the version of the first pending op. */
    private boolean doomedBy(SheetTail tail) {
        Pending first = pending.peekFirst();
        for (LoggedOp op : tail.ops()) {
            if (op.version() == first.version()) {
                return !(op.by().equals(first.by()) && op.opId().equals(first.opId()));
            }
        }
        return false;
    }

    /** The follower could not read the store: the ops waiting for the catch-up are refused (their clients send them again). */
    void catchUpFailed(String problem) {
        sequencer.submitAlways(() -> {
            if (!catchingUp) {
                return; // a doorbell's read: the next one (or the poll) tries again
            }
            catchingUp = false;
            refuseWaiting(Reason.STORE_UNAVAILABLE, "the store could not be read (" + problem
                    + "); nothing of it was applied");
        });
    }

    /** Applies another server's committed op as the next version; false if it does not apply here as it did there. */
    private boolean adopt(LoggedOp op) {
        Outcome outcome = durable.apply(op.request());
        if (!(outcome instanceof Outcome.Applied applied) || applied.version() != op.version()) {
            LOG.severe(() -> "sheet " + id() + ": op " + op.version() + " committed by another server does not apply"
                    + " here (" + outcome + "); the servers' limits or versions differ — this server reloads the sheet");
            return false;
        }
        head.apply(op.request()); // nothing is pending: head is the durable sheet
        size = durable.size();
        durableVersion = durable.version();
        log.append(new OpLog.Entry(op.version(), op.by(), op.opId(), op.request(), op.appliedText()));
        meters.opAdopted();
        broadcast(new Pending(op.version(), op.by(), op.opId(), op.request(), applied.op(), op.appliedText(), List.of(), 0));
        forgetFocusOn(applied.op());
        return true;
    }

    private static CloseReason movedOn() {
        return new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "the sheet moved on while this server was cut off;"
                + " reconnect");
    }

    /** Gives the sheet up (see {@link Follower#lost}): what waits is refused with {@code reason}. */
    private void lose(Reason reason, String message, CloseReason close) {
        catchingUp = false;
        refuseWaiting(reason, message);
        follower.lost(this, close);
    }

    private void refuseWaiting(Reason reason, String message) {
        List<Waiting> refused = new ArrayList<>(waiting);
        waiting.clear();
        for (Waiting w : refused) {
            w.answer().accept(OpResult.rejected(rejectedText(w.opId(), reason, message), reason));
        }
    }

    /**
     * Reported by the committer: a commit of {@code failedEpoch} failed ({@code snapshots} of this
     * room's snapshots with it). Every pending op is rejected (each was applied on top of the failed
     * ones), head is reset to the durable sheet, a new epoch begins, and the held rejections are
     * checked again against it. A report about an epoch already rolled back only counts snapshots.
     */
    void commitFailed(String problem, int failedEpoch, int snapshots, int accessChanges) {
        sequencer.submitAlways(() -> {
            snapshotsInFlight -= snapshots;
            for (int i = 0; i < accessChanges; i++) {
                pendingAccess.removeFirst().answer().complete(AccessResult.STORE_UNAVAILABLE);
            }
            if (failedEpoch != epoch) {
                finishRetirementIfIdle();
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
            held.takeAll().forEach(h -> apply(h.by(), h.opId(), h.request(), h.answer()));
            if (catchingUp) {
                follower.catchUp(this); // ops wait for a catch-up that was put off until this report
            }
            finishRetirementIfIdle();
        });
    }

    /** Submits an op {@link Admission} let in: its answer ends its time in flight. */
    private void submitFrom(Member member, ClientMessage.OpRequest op) {
        Consumer<OpResult> answer = measured(result -> {
            member.opAnswered();
            if (!result.applied() || result.duplicate()) {
                // A broadcast reaches the author as its ack; a rejection or a repeated ack does not.
                member.outbox().offer(new Outgoing.Text(result.text()));
            }
        });
        if (!sequencer.submit(() -> {
            if (member.role.canEdit()) {
                apply(member.id(), op.id(), op.toOp(), answer);
            } else {
                answer.accept(readOnly(op.id()));
            }
        })) {
            member.opAnswered();
            meters.opRejected(Reason.RATE_LIMITED.code());
            refuse(member, rejectedText(op.id(), Reason.RATE_LIMITED, "the sheet is overloaded"));
        }
    }

    /** The answer, reported to the meters first: an acknowledgement with its time since now, or a rejection's code. */
    private Consumer<OpResult> measured(Consumer<OpResult> answer) {
        long received = System.nanoTime();
        return result -> {
            if (!result.applied()) {
                meters.opRejected(result.reason().code());
            } else if (!result.duplicate()) {
                meters.opAcknowledged(System.nanoTime() - received);
            }
            answer.accept(result);
        };
    }

    private void apply(String by, String opId, Op request, Consumer<OpResult> answer) {
        apply(by, opId, request, answer, 0);
    }

    /** @param rounds how many times the op was numbered already and found its sheet moved on by other servers */
    private void apply(String by, String opId, Op request, Consumer<OpResult> answer, int rounds) {
        if (retired) {
            answer.accept(OpResult.rejected(rejectedText(opId, Reason.NO_SUCH_SHEET, "the sheet was deleted or closed"),
                    Reason.NO_SUCH_SHEET));
            return;
        }
        if (catchingUp) {
            waiting.addLast(new Waiting(by, opId, request, answer, rounds));
            return;
        }
        if (rounds > MAX_CATCH_UP_ROUNDS) {
            answer.accept(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "other servers keep changing"
                    + " this sheet first; send it again"), Reason.RATE_LIMITED));
            return;
        }
        OpLog.Entry duplicate = log.duplicateOf(by, opId, request);
        if (duplicate != null) {
            answer.accept(OpResult.duplicate(duplicate.appliedText()));
            return;
        }
        for (Pending p : pending) {
            if (p.by().equals(by) && p.opId().equals(opId) && p.request().equals(request)) {
                p.answers().add(result -> answer.accept(result.applied() ? OpResult.duplicate(result.text()) : result));
                return;
            }
        }
        if (!committer.reserve()) {
            answer.accept(OpResult.rejected(rejectedText(opId, Reason.RATE_LIMITED, "the store is behind"),
                    Reason.RATE_LIMITED));
            return;
        }
        Outcome outcome;
        String text = null;
        try {
            outcome = head.apply(request);
            if (outcome instanceof Outcome.Applied applied) {
                text = Codec.encode(new ServerMessage.Applied(applied.version(), by, opId, applied.op(), null));
            }
        } catch (RuntimeException | Error e) {
            // Whatever failed (an OutOfMemoryError, say) may have left head half-changed: rebuild it.
            committer.release();
            rebuildHead();
            LOG.log(Level.SEVERE, "sheet " + id() + ": op " + opId + " failed; nothing of it was applied", e);
            answer.accept(OpResult.rejected(rejectedText(opId, Reason.SERVER_ERROR,
                    "the server failed while applying it (its log says why); nothing of it was applied"),
                    Reason.SERVER_ERROR));
            return;
        }
        if (outcome instanceof Outcome.Rejected r) {
            committer.release();
            reject(by, opId, request, r.rejection(), answer);
            return;
        }
        Outcome.Applied applied = (Outcome.Applied) outcome;
        List<Consumer<OpResult>> answers = new ArrayList<>(1);
        answers.add(answer);
        Pending p = new Pending(applied.version(), by, opId, request, applied.op(), text, answers, rounds);
        pending.addLast(p);
        if (!stored && !initialSnapshotSent) {
            // A sheet's first commit writes it as created, so its ops have a snapshot to replay on.
            submitSnapshot(Change.Snapshotted.creating(durable.snapshot()));
            initialSnapshotSent = true;
            resubmitCreatorAccess();
        }
        committer.submit(this, epoch, new Change.Applied(id(), new LoggedOp(p.version(), by, opId, request, p.text(),
                Instant.now()), head.rowCount(), head.columnCount()));
    }

    /**
     * Answers a rejection at once when head is durable; otherwise holds it until the ops it was checked
     * against are: a conflict quotes their values, and a failed commit could take them back.
     */
    private void reject(String by, String opId, Op request, Rejection rejection, Consumer<OpResult> answer) {
        OpResult result = OpResult.rejected(Codec.encode(Messages.rejected(opId, rejection)), rejection.reason());
        if (pending.isEmpty()) {
            answer.accept(result);
        } else {
            held.hold(new HeldRejections.Held(head.version(), by, opId, request, result, answer));
        }
    }

    /** Head as the durable sheet plus every pending op, which all applied to it before, in order. */
    private void rebuildHead() {
        head = Sheet.of(durable.snapshot(), limits);
        for (Pending p : pending) {
            head.apply(p.request());
        }
    }

    /** A durable op: apply it to the durable sheet, log it, broadcast it, answer its author. */
    private void publish(Pending p) {
        durable.apply(p.request());
        size = durable.size();
        durableVersion = durable.version();
        log.append(new OpLog.Entry(p.version(), p.by(), p.opId(), p.request(), p.text()));
        broadcast(p);
        OpResult applied = OpResult.applied(p.text());
        p.answers().forEach(answer -> answer.accept(applied));
        forgetFocusOn(p.applied());
    }

    private void broadcast(Pending p) {
        String cell = p.applied() instanceof Op.Edit e ? e.row() + "\u0000" + e.col() : null;
        Function<List<Long>, String> reencode =
                skipped -> Codec.encode(new ServerMessage.Applied(p.version(), p.by(), p.opId(), p.applied(), skipped));
        Outgoing.Update update = Outgoing.Update.applied(p.text(), p.version(), cell, reencode);
        // The author's copy is its ack, matched by op id: it is never merged away (no cell), but it can
        // carry the versions merged away before it.
        Outgoing.Update ack = Outgoing.Update.applied(p.text(), p.version(), null, reencode);
        for (Member m : members) {
            offer(m, m.id().equals(p.by()) ? ack : update);
        }
        if (admission.afterBroadcast(members)) {
            recheckCongestionLater();
        }
    }

    /** While the sheet is congested, its readers are looked at again every few milliseconds. */
    private void recheckCongestionLater() {
        if (timer == null) {
            return; // judged again on later broadcasts (a member with nothing in flight may always send)
        }
        try {
            timer.schedule(() -> sequencer.submitAlways(() -> {
                if (!retired && admission.judge(members)) {
                    recheckCongestionLater();
                }
            }), Admission.RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the server is stopping
        }
    }

    /** After a row or column is deleted, nobody's cursor stays on it. */
    private void forgetFocusOn(Op applied) {
        if (!(applied instanceof Op.DeleteRow || applied instanceof Op.DeleteColumn || applied instanceof Op.Batch)) {
            return; // every op passes here: only a delete may strand a cursor, so only one walks the members
        }
        Set<String> rowsGone = new HashSet<>();
        Set<String> columnsGone = new HashSet<>();
        for (Op op : applied instanceof Op.Batch b ? b.ops() : List.of(applied)) {
            if (op instanceof Op.DeleteRow d) {
                rowsGone.add(d.row());
            } else if (op instanceof Op.DeleteColumn c) {
                columnsGone.add(c.col());
            }
        }
        if (rowsGone.isEmpty() && columnsGone.isEmpty()) {
            return;
        }
        if (roster.dropFocusWhere(focus -> rowsGone.contains(focus.row()) || columnsGone.contains(focus.col()))) {
            presenceChanged();
        }
    }

    private void snapshotIfDue() {
        if (durable.version() - snapshotVersion < SNAPSHOT_EVERY) {
            return;
        }
        snapshotVersion = durable.version();
        // Keep what a restart replays (after the snapshot) and what resume needs (the last opWindow ops).
        long keepFrom = Math.min(snapshotVersion + 1, durable.version() - opWindow + 1);
        submitSnapshot(Change.Snapshotted.compacting(durable.snapshot(), keepFrom));
    }

    private void submitSnapshot(Change.Snapshotted change) {
        snapshotsInFlight++;
        committer.submitSnapshot(this, epoch, change);
    }

    private void finishRetirementIfIdle() {
        if (retired && retirement != null && pending.isEmpty() && snapshotsInFlight == 0 && pendingAccess.isEmpty()) {
            committer.forget(this);
            retirement.complete(null);
        }
    }

    /**
     * The sheet (or on resume what the member missed) and who is here as last announced: the next
     * presence message carries every change since, the member's own arrival included.
     */
    private void welcome(Member member, Long since, String incarnation) {
        String users = roster.announcedJson();
        if (since != null && durable.incarnation().equals(incarnation) && log.covers(since, durable.version())
                && log.replayFits(since, member.outbox().maxItems() / 2, member.outbox().maxBytes() / 2)) {
            member.outbox().offer(Outgoing.Update.of(Codec.encode(Messages.resumed(durable.id(), durable.incarnation(),
                    durable.version(), member.id(), member.role.wire(), null, since), users), since));
            for (OpLog.Entry missed : log.after(since)) {
                member.outbox().offer(Outgoing.Update.of(missed.appliedText(), missed.version()));
            }
        } else {
            Snapshot snapshot = durable.snapshot();
            member.outbox().offer(Outgoing.Update.of(Codec.encode(Messages.welcome(snapshot, member.id(), member.role.wire(), null),
                    users), snapshot.version()));
        }
    }

    private void moveFocus(Member member, ServerMessage.Focus focus) {
        if (!members.contains(member)) {
            return;
        }
        Rejection invalid = focus == null ? null : durable.checkCell(focus.row(), focus.col());
        if (invalid != null) {
            member.outbox().offer(new Outgoing.Text(Codec.encode(Messages.badMessage("focus: " + invalid.message()))));
            return;
        }
        if (roster.focus(member, focus)) {
            presenceChanged();
        }
    }

    /** Presence changed: its message goes out at the end of the current window (one starts if none runs). */
    private void presenceChanged() {
        if (presenceFlushDue) {
            return;
        }
        presenceFlushDue = true;
        if (timer != null) {
            try {
                timer.schedule(() -> sequencer.submitAlways(this::flushPresence),
                        PRESENCE_WINDOW_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException shuttingDown) {
                // the server is stopping: send it now rather than never
            }
        }
        sequencer.submitAlways(this::flushPresence);
    }

    /**
     * Sends what changed in presence during the window to every member, encoded once. Never dropped
     * from an outbox (a member that missed one would keep a wrong list): at most one per window.
     */
    private void flushPresence() {
        presenceFlushDue = false;
        sharePresence();
        ServerMessage.Presence changes = roster.flush();
        if (changes == null || retired) {
            return;
        }
        Outgoing.Shared text = new Outgoing.Shared(Codec.encode(changes));
        for (Member m : members) {
            offer(m, text);
        }
    }

    /**
     * Offers to one member; if that fails (a re-encoding under pressure running out of memory, say),
     * only that member is closed, with 1011, so it resumes — the others still get the message.
     */
    private void offer(Member member, Outgoing item) {
        try {
            member.outbox().offer(item);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "sheet " + id() + ": could not queue a message for a client; closing it", e);
            member.outbox().close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                    "the server could not send an update; reconnect to resume"));
        }
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

    /**
     * Writes a new sheet's access list (its creator as owner) after its creating snapshot: at once, and
     * again when a failed first commit has the sheet written as created again.
     */
    private void resubmitCreatorAccess() {
        access.forEach((user, role) -> {
            pendingAccess.addLast(new PendingAccess(user, role, new CompletableFuture<>()));
            committer.submitAccess(this, epoch, new Change.AccessChanged(id(), user, role));
        });
    }

    /**
     * The access list as another server committed it (cluster mode), read after its signal: replaces
     * this room's copy unless a change of this room's own is on its way to the store (whose signal
     * brings a read that includes both). Members whose role changed are told, or closed with 4003.
     */
    void accessChangedElsewhere(Map<String, Role> stored) {
        sequencer.submitAlways(() -> {
            if (retired || !pendingAccess.isEmpty()) {
                return;
            }
            access.clear();
            access.putAll(stored);
            accessView = Map.copyOf(access);
            for (Member m : List.copyOf(members)) {
                updateRole(m);
            }
        });
    }

    /** A durable access-list change: the list, its copy for other threads, and the user's open connections. */
    private void applyAccess(PendingAccess change) {
        if (change.role() == null) {
            access.remove(change.userId());
        } else {
            access.put(change.userId(), change.role());
        }
        accessView = Map.copyOf(access);
        for (Member m : List.copyOf(members)) {
            if (m.id().equals(change.userId())) {
                updateRole(m);
            }
        }
        change.answer().complete(AccessResult.DONE);
    }

    /** Decides the member's role again: tells it a new one, or closes it with 4003 when it has none. */
    private void updateRole(Member member) {
        Role role = AccessPolicy.roleOf(member.identity(), id(), access);
        if (role == member.role) {
            return;
        }
        member.role = role;
        if (!role.canRead()) {
            members.remove(member);
            roster.depart(member);
            member.outbox().close(new CloseReason(CloseReason.CloseCodes.getCloseCode(ACCESS_REVOKED), "access revoked"));
            presenceChanged();
        } else {
            offer(member, new Outgoing.Text(Codec.encode(new ServerMessage.RoleChanged(role.wire()))));
        }
    }

    private static OpResult readOnly(String opId) {
        return OpResult.rejected(rejectedText(opId, Reason.READ_ONLY, "you may view this sheet but not change it"),
                Reason.READ_ONLY);
    }

    private static String rejectedText(String opId, Reason reason, String message) {
        return Codec.encode(Messages.rejected(opId, Rejection.of(reason, message)));
    }
}
