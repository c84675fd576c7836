package dev.livegrid.client;

import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Keeps one sheet in sync with the server, as livegrid.js does (docs/PROTOCOL.md §7): the table is only
 * ever changed by the server's word — a welcome replaces or keeps it, each {@code applied} moves it on
 * in strict version order — and this client's ops wait in {@link PendingOps} until their own
 * {@code applied} or {@code rejected}; after every reconnect (with {@code since}, to resume) they are
 * resent with the same id, and the server answers one it already applied with the original
 * {@code applied}.
 * <p>
 * Every method runs on the {@link EventThread}; fields read by other threads are volatile.
 */
final class SheetSync implements Connection.Events {

    private static final System.Logger LOG = System.getLogger(LiveGridClient.class.getName());

    /** Close codes retrying cannot change: sheet gone, policy, token expired, access revoked (§7.6). */
    private static final Set<Integer> FINAL_CLOSE_CODES = Set.of(4004, 1008, 4001, 4003);
    private static final int TOO_BIG = 1009;
    private static final int OUT_OF_SYNC = 4000;
    /** Held ops sent again at once after a {@code rate-limited} pause: a few, so a long queue is not refused again at once. */
    private static final int RETRY_BATCH = 32;
    /** The pauses after {@code rate-limited}: livegrid.js's back-off, whatever the reconnect policy. */
    private static final ReconnectPolicy RETRY_PAUSE = ReconnectPolicy.backoff();
    /** How long closing waits for the close frame to be written before it cuts the connection. */
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(1);

    private final ClientConfig config;
    private final EventThread thread;
    private final ListenerList listeners;
    private final PendingOps pending = new PendingOps();
    private final VersionWaiters waiters = new VersionWaiters();
    private final CompletableFuture<Table> joined = new CompletableFuture<>();

    // read from any thread
    private volatile Table table;
    private volatile List<User> users = List.of();
    private volatile String you;
    private volatile String role;
    private volatile Status status = Status.NEW;
    private volatile Disconnection lastDisconnection;
    private volatile long rateLimitedAnswers;

    // event thread only
    private Connection connection;
    private boolean welcomed; // the current connection has had its welcome: ops may go out
    private long welcomeVersion;
    private boolean everJoined;
    private boolean fresh; // the next join asks for the whole sheet, not a resume
    private boolean stopped;
    private int reconnectAttempt;
    private ScheduledFuture<?> reconnectTimer;
    private int retryAttempt;
    private ScheduledFuture<?> retryTimer;
    private CellRef focus;
    private final TokenHandover tokens;

    SheetSync(ClientConfig config, EventThread thread, ListenerList listeners) {
        this.config = config;
        this.thread = thread;
        this.listeners = listeners;
        this.tokens = new TokenHandover(config.token());
    }

    // ---------------------------------------------------------------- read from any thread

    Table table() {
        return table;
    }

    List<User> users() {
        return users;
    }

    String you() {
        return you;
    }

    String role() {
        return role;
    }

    Status status() {
        return status;
    }

    CompletableFuture<Table> joined() {
        return joined;
    }

    long rateLimitedAnswers() {
        return rateLimitedAnswers;
    }

    ConnectionClosedException closedException() {
        Disconnection how = lastDisconnection;
        return new ConnectionClosedException(how != null ? how : new Disconnection(1000, "closed by the client"), null);
    }

    // ---------------------------------------------------------------- requests (on the event thread)

    void connect() {
        if (status != Status.NEW || stopped) {
            return;
        }
        setStatus(Status.CONNECTING, null);
        open();
    }

    void submit(PendingOps.Pending op) {
        if (stopped) {
            op.result().completeExceptionally(closedException());
            return;
        }
        if (pending.size() >= config.maxPendingOps()) {
            op.result().completeExceptionally(new LiveGridException("op " + op.id() + " not sent: "
                    + config.maxPendingOps() + " ops of this client are unacknowledged already (Builder.maxPendingOps)"));
            return;
        }
        if (pending.add(op) && welcomed) {
            connection.send(op.frame());
        }
        failLater(op.result(), config.opTimeout(), () -> new TimeoutException("no answer to op " + op.id() + " within "
                + config.opTimeout() + " (it stays pending, and may still be applied)"));
    }

    void focus(CellRef cell) {
        focus = cell;
        if (welcomed) {
            connection.send(cell == null ? Wire.blur() : Wire.focus(cell));
        }
    }

    void awaitVersion(long version, Duration timeout, CompletableFuture<Table> result) {
        if (stopped) {
            result.completeExceptionally(closedException());
            return;
        }
        Table now = table;
        if (now != null && now.version() >= version) {
            result.complete(now);
            return;
        }
        waiters.add(version, result);
        failLater(result, timeout, () -> new TimeoutException("version " + version + " not reached within " + timeout
                + "; the table is at version " + (table == null ? "none (not joined)" : table.version())));
    }

    void authenticate(String fresh, CompletableFuture<Void> result) {
        if (stopped) {
            result.completeExceptionally(closedException());
        } else if (welcomed) {
            connection.send(tokens.offer(fresh, result));
        } else {
            tokens.forNextHandshake(fresh, result);
        }
    }

    /** Stops for good: closes the connection, fails what waits, reports CLOSED and ends the event thread. */
    void stop(Disconnection how, LiveGridException reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        cancel(reconnectTimer);
        cancel(retryTimer);
        Connection current = connection;
        connection = null;
        welcomed = false;
        if (current != null) {
            current.close(how.code(), how.reason(), CLOSE_PATIENCE);
        }
        lastDisconnection = how;
        ConnectionClosedException closed = reason instanceof ConnectionClosedException c ? c
                : new ConnectionClosedException(how, reason);
        pending.removeAll().forEach(op -> op.result().completeExceptionally(closed));
        waiters.failAll(closed);
        tokens.failAll(closed);
        joined.completeExceptionally(reason != null ? reason : closed);
        setStatus(Status.CLOSED, how);
        thread.stop();
    }

    // ---------------------------------------------------------------- the connection

    private void open() {
        reconnectTimer = null;
        if (stopped) {
            return;
        }
        Table known = table;
        Long since = known == null || fresh ? null : known.version();
        Connection next = new Connection(thread, this, config.maxMessageChars(), tokens.forHandshake(), config.keepAlive());
        connection = next;
        welcomed = false;
        next.open(config.http(), config.address().join(config.name(), config.clientKey(), since,
                since == null ? null : known.incarnation()), config.connectTimeout());
    }

    @Override
    public void refused(Connection from, Throwable failure) {
        if (from != connection) {
            return;
        }
        connection = null;
        Throwable cause = unwrap(failure);
        LiveGridException problem = cause instanceof WebSocketHandshakeException refusal
                ? refusal(refusal.getResponse())
                : new ConnectionClosedException(new Disconnection(Disconnection.ABNORMAL, "cannot connect to "
                        + config.address() + ": " + Connection.describe(cause)), cause);
        Disconnection how = problem instanceof ConnectionClosedException closed ? closed.disconnection()
                : new Disconnection(Disconnection.ABNORMAL, problem.getMessage());
        tokens.connectionLost();
        if (!everJoined) {
            stop(how, problem); // the first connection fails fast: most likely a wrong address or credentials
        } else if (problem instanceof HandshakeRefusedException refusal && refusal.isFinal()) {
            listeners.error(new ErrorReport("refused", refusal.getMessage()));
            stop(how, new ConnectionClosedException(how, refusal));
        } else {
            reconnectLater(how);
        }
    }

    @Override
    public void ended(Connection from, Disconnection how, Throwable failure) {
        if (from != connection) {
            return; // a connection let go of (resync, close) ending late
        }
        connection = null;
        welcomed = false;
        tokens.connectionLost();
        if (!everJoined || FINAL_CLOSE_CODES.contains(how.code())) {
            stop(how, new ConnectionClosedException(how, failure));
            return;
        }
        if (how.code() == TOO_BIG) {
            refuseLargestPending();
        }
        // A 1013 names a resume version in its reason; resuming from this client's own last applied version
        // instead is never later than what it really has.
        reconnectLater(how);
    }

    private void reconnectLater(Disconnection how) {
        Optional<Duration> delay = askPolicy(reconnectAttempt++);
        if (delay.isEmpty()) {
            stop(how, new ConnectionClosedException(how, null));
            return;
        }
        setStatus(Status.RECONNECTING, how);
        reconnectTimer = thread.schedule(this::open, delay.get());
    }

    private Optional<Duration> askPolicy(int attempt) {
        try {
            Optional<Duration> delay = config.reconnect().delay(attempt);
            return delay == null ? Optional.empty() : delay;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "LiveGrid client: the ReconnectPolicy threw; not reconnecting", e);
            return Optional.empty();
        }
    }

    /** Versions are missing, or the server resumed from elsewhere: start over on a new connection. */
    private void resync() {
        Connection current = connection;
        connection = null;
        welcomed = false;
        if (current != null) {
            current.close(OUT_OF_SYNC, "out of sync", CLOSE_PATIENCE);
        }
        tokens.connectionLost();
        reconnectLater(new Disconnection(OUT_OF_SYNC, "out of sync"));
    }

    // ---------------------------------------------------------------- messages from the server

    @Override
    public void message(Connection from, String text) {
        if (from != connection) {
            return;
        }
        ServerMessage message;
        try {
            message = Wire.read(text);
        } catch (RuntimeException e) {
            listeners.error(new ErrorReport("bad-server-message", "unreadable message from the server ("
                    + Connection.describe(e) + "): " + abbreviate(text)));
            return;
        }
        if (message instanceof ServerMessage.Welcome welcome) {
            onWelcome(welcome);
        } else if (message instanceof ServerMessage.AppliedOp applied) {
            onApplied(applied.applied());
        } else if (message instanceof ServerMessage.Rejected rejected) {
            onRejected(rejected);
        } else if (message instanceof ServerMessage.Presence presence) {
            users = Roster.apply(users, presence);
            listeners.presence(users);
        } else if (message instanceof ServerMessage.Error error) {
            onError(error);
        } else if (message instanceof ServerMessage.RoleChanged changed) {
            role = changed.role();
            listeners.role(role);
        } else if (message instanceof ServerMessage.Authenticated) {
            tokens.accepted();
        }
    }

    private void onWelcome(ServerMessage.Welcome welcome) {
        String roleBefore = role;
        boolean resumed = welcome.resumes();
        if (resumed) {
            if (table == null || welcome.since() != table.version()) {
                fresh = true; // not what was asked for: start over with a full join rather than guess
                resync();
                return;
            }
        } else {
            Table before = table;
            table = welcome.table();
            if (before != null && !before.incarnation().equals(table.incarnation())) {
                dropPendingOfAnotherSheet();
            }
        }
        fresh = false;
        you = welcome.you();
        role = welcome.role();
        users = List.copyOf(welcome.users());
        welcomed = true;
        welcomeVersion = welcome.version();
        everJoined = true;
        reconnectAttempt = 0;
        String handOver = tokens.joined(connection.token());
        if (handOver != null) {
            connection.send(handOver);
        }
        resend();
        setStatus(Status.OPEN, null);
        listeners.welcome(table, resumed);
        listeners.presence(users);
        if (roleBefore != null && !Objects.equals(roleBefore, role)) {
            listeners.role(role); // changed while this client was away
        }
        joined.complete(table);
        waiters.reached(table);
    }

    /** After a welcome: every unacknowledged op again, same id and content, in order, then the focus. */
    private void resend() {
        pending.releaseAll();
        cancel(retryTimer);
        retryTimer = null;
        for (PendingOps.Pending op : pending.inOrder()) {
            connection.send(op.frame());
        }
        // A focus on a cell deleted meanwhile would only earn a bad-message error.
        if (focus != null && table.hasCell(focus.row(), focus.col())) {
            connection.send(Wire.focus(focus));
        }
    }

    private void onApplied(Applied applied) {
        if (!welcomed) {
            return;
        }
        Sequence sequence = Sequence.of(table.version(), applied);
        if (sequence == Sequence.GAP) {
            resync();
            return;
        }
        if (sequence == Sequence.APPLY) {
            table = table.apply(applied.op(), applied.version());
            listeners.change(applied, table);
        }
        // A stale one still acknowledges a resent op: the server answers it with the original applied.
        if (pending.get(applied.id()) != null && (you == null || you.equals(applied.by()))) {
            boolean live = applied.version() > welcomeVersion;
            PendingOps.Acknowledged ack = pending.acknowledge(applied.id(), live);
            for (PendingOps.Pending merged : ack.mergedBefore()) {
                merged.result().complete(new Applied(applied.version(), applied.by(), merged.id(), merged.op(), List.of(), true));
            }
            ack.op().result().complete(applied);
            if (live) {
                retryAttempt = 0; // the server is taking this connection's ops again
            }
        }
        if (sequence == Sequence.APPLY) {
            waiters.reached(table);
        }
    }

    private void onRejected(ServerMessage.Rejected rejected) {
        PendingOps.Pending op = pending.get(rejected.id());
        if (op == null) {
            return; // answered already, or given up
        }
        if ("rate-limited".equals(rejected.code())) {
            rateLimitedAnswers++;
            pending.hold(op.id());
            if (retryTimer == null) {
                retryTimer = thread.schedule(this::retryHeld, pause(retryAttempt++));
            }
            return;
        }
        pending.remove(op.id());
        op.result().completeExceptionally(new OpRejectedException(rejected.code(), rejected.message(), op.id(), op.op(),
                rejected.current()));
    }

    /** Sends held ops again after a {@code rate-limited} pause, a batch at a time, oldest first. */
    private void retryHeld() {
        retryTimer = null;
        if (!welcomed) {
            return; // the next welcome resends every pending op
        }
        PendingOps.Release release = pending.release(RETRY_BATCH);
        for (PendingOps.Pending dropped : release.superseded()) {
            dropped.result().completeExceptionally(new OpRejectedException("superseded", "a newer edit of the same cell"
                    + " by this client replaced it while the server asked to wait", dropped.id(), dropped.op(), null));
        }
        release.send().forEach(op -> connection.send(op.frame()));
        if (release.more()) {
            retryTimer = thread.schedule(this::retryHeld, pause(retryAttempt));
        }
    }

    private static Duration pause(int attempt) {
        return RETRY_PAUSE.delay(attempt).orElseThrow();
    }

    private void onError(ServerMessage.Error error) {
        if ("bad-token".equals(error.code())) {
            tokens.refused(error.message());
        }
        listeners.error(new ErrorReport(error.code(), error.message()));
    }

    // ---------------------------------------------------------------- ops given up

    /**
     * The sheet was deleted and created again while this client was away: its unacknowledged ops were meant
     * for a table that no longer exists (whose row and column ids the new one may even reuse), so they are
     * dropped, not resent.
     */
    private void dropPendingOfAnotherSheet() {
        List<PendingOps.Pending> dropped = pending.removeAll();
        for (PendingOps.Pending op : dropped) {
            op.result().completeExceptionally(new OpRejectedException("sheet-replaced",
                    "the sheet was deleted and created again while this client was away", op.id(), op.op(), null));
        }
        listeners.error(new ErrorReport("sheet-replaced", "the sheet was deleted and created again while this client"
                + " was away" + (dropped.isEmpty() ? "" : "; " + dropped.size() + " unacknowledged op(s) were dropped")));
    }

    /**
     * After close 1009 the culprit is most likely the largest pending op; resent, it would be closed again
     * for ever, so it is given up as {@code too-large}.
     */
    private void refuseLargestPending() {
        PendingOps.Pending largest = pending.largest();
        if (largest != null) {
            pending.remove(largest.id());
            largest.result().completeExceptionally(new OpRejectedException("too-large", "the server closed the"
                    + " connection with 1009 (message too big), and this is the largest unacknowledged op",
                    largest.id(), largest.op(), null));
        }
    }

    // ---------------------------------------------------------------- helpers

    private void setStatus(Status next, Disconnection cause) {
        if (cause != null) {
            lastDisconnection = cause;
        }
        if (next != status) {
            status = next;
            listeners.status(next, cause);
        }
    }

    private <T> void failLater(CompletableFuture<T> result, Duration after, Supplier<Throwable> why) {
        ScheduledFuture<?> timer = thread.schedule(() -> result.completeExceptionally(why.get()), after);
        if (timer != null) {
            result.whenComplete((value, failure) -> timer.cancel(false));
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static HandshakeRefusedException refusal(HttpResponse<?> response) {
        Object body = response.body();
        String reason = body == null ? "" : body.toString().strip();
        Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(SheetSync::seconds).orElse(null);
        return new HandshakeRefusedException(response.statusCode(), abbreviate(reason), retryAfter);
    }

    private static Optional<Duration> seconds(String text) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: not worth parsing here
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
