package dev.livegrid.chaos;

import dev.livegrid.support.TableModel;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One user of one sheet, across its connections, behaving as the protocol asks a client to: it keeps
 * its table (replaced by a full welcome, moved forward by newer {@code applied} messages), sends ops
 * with ids unique to it, resumes with {@code since} (and the incarnation, when the server names one),
 * resends the ops whose fate it does not know, and keeps a random client key across reconnects.
 * Everything it receives is checked as it arrives and reported to {@link Shared#violations()}.
 */
final class ChaosClient {

    /** Where the client is. */
    enum State { NEW, OPEN, OFFLINE, GONE }

    private static final Pattern RESUME_POINT = Pattern.compile("since=(\\d+)");
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    final int number;
    final String sheet;
    final String clientKey;
    private final String name;
    private final Shared shared;

    // guarded by this
    private State state = State.NEW;
    private Connection current;
    private TableModel table;
    private String key;
    private Long resumePoint;
    private final Map<String, OpRecord> ops = new LinkedHashMap<>();
    private int counter;
    private final Map<String, Integer> rejections = new LinkedHashMap<>();

    ChaosClient(int number, String sheet, String name, java.util.Random random, Shared shared) {
        this.number = number;
        this.sheet = sheet;
        this.name = name;
        this.shared = shared;
        StringBuilder k = new StringBuilder();
        for (int i = 0, n = 16 + random.nextInt(24); i < n; i++) { // the server takes keys of 16-64 characters
            k.append(KEY_CHARS.charAt(random.nextInt(KEY_CHARS.length())));
        }
        this.clientKey = k.toString();
    }

    @Override
    public synchronized String toString() {
        return "client " + number + " (" + sheet + ", " + state + (paused() ? " paused" : "") + ", "
                + (table == null ? "no table" : "v" + table.version()) + ")";
    }

    // ---- connecting ----

    /**
     * Connects (resuming when it has a table, unless {@code fresh}) and waits for the welcome; false if
     * none came (the reason was reported or noted).
     */
    boolean connect(java.util.function.Function<String, URI> webSocketUri, boolean fresh, boolean useResumePoint) {
        Long since;
        String query;
        synchronized (this) {
            if (state == State.OPEN || state == State.GONE) {
                return state == State.OPEN;
            }
            since = fresh || table == null ? null
                    : useResumePoint && resumePoint != null ? Long.valueOf(Math.min(resumePoint, table.version())) : Long.valueOf(table.version());
            query = "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&client=" + clientKey
                    + (since == null ? "" : Incarnations.resumeQuery(since, shared.incarnations().nameOf(key)));
            current = new Connection(this, since);
        }
        Connection connection = current;
        URI uri = webSocketUri.apply("/sheets/" + sheet + query);
        try {
            connection.open(uri);
        } catch (Exception e) {
            shared.log().note(this + ": connect failed: " + e);
            if (!shared.abruptEndsExpected().getAsBoolean()) {
                shared.violations().add(Promise.P6_ANSWERED, this + ": the handshake to " + uri + " failed: " + e);
            }
            connection.endExpected = "connect failed";
            connection.ended.complete(new Connection.Ended(-1, "connect failed: " + e));
            ended(connection, new Connection.Ended(-1, "connect failed"));
            gaveUpOnJoin();
            return false;
        }
        boolean welcomed = Deadline.await(() -> welcomedOrEnded(connection), Connection.WELCOME_DEADLINE);
        synchronized (this) {
            if (connection.welcomed) {
                return true;
            }
        }
        if (!welcomed) {
            shared.violations().add(Promise.P6_ANSWERED, this + ": no welcome within " + Connection.WELCOME_DEADLINE
                    + " on " + uri);
            connection.abort("no welcome");
            gaveUpOnJoin();
        }
        return false;
    }

    /**
     * The client stopped waiting for a join whose outcome it does not know: the server may still
     * complete it, and create the sheet if it does not exist (see {@link Shared#unsettledJoins()}).
     */
    private void gaveUpOnJoin() {
        shared.unsettledJoins().add(sheet);
        shared.log().note(this + ": gave up on its join; the server may still complete it and create " + sheet);
    }

    private synchronized boolean welcomedOrEnded(Connection c) {
        return c.welcomed || c.ended.isDone();
    }

    /** Resends every op whose fate it does not know, as the protocol asks after a reconnect. */
    void resendUnknown() {
        List<OpRecord> unknown;
        synchronized (this) {
            unknown = ops.values().stream().filter(r -> r.fate == OpRecord.Fate.UNKNOWN).toList();
        }
        for (OpRecord r : unknown) {
            resend(r);
        }
    }

    // ---- sending ----

    /** A new op id of this client. */
    synchronized String nextOpId() {
        return "k" + number + "-" + (++counter);
    }

    /** Sends a new op; false if the connection is not open. */
    boolean send(String id, String frame) {
        OpRecord r;
        synchronized (this) {
            if (state != State.OPEN) {
                return false;
            }
            r = new OpRecord(id, frame, key);
            ops.put(id, r);
        }
        boolean sent = transmit(r);
        if (sent && OpFactory.hasLoneSurrogate(frame)) {
            // Answered by an error (bad-message), which names no op: refused now; applied later would be a defect.
            synchronized (this) {
                r.outstanding = 0;
                r.fate = OpRecord.Fate.REJECTED;
                r.rejectedCode = "bad-message";
            }
        }
        return sent;
    }

    /** Sends an op again with the same id and content. */
    boolean resend(OpRecord r) {
        synchronized (this) {
            if (state != State.OPEN) {
                return false;
            }
            if (r.fate == OpRecord.Fate.UNKNOWN) {
                r.fate = OpRecord.Fate.SENT;
            }
        }
        return transmit(r);
    }

    private boolean transmit(OpRecord r) {
        Connection c;
        synchronized (this) {
            c = current;
            r.outstanding++;
        }
        try {
            c.send(r.frame);
            return true;
        } catch (Exception e) {
            synchronized (this) {
                r.outstanding = 0;
                if (r.fate == OpRecord.Fate.SENT) {
                    r.fate = OpRecord.Fate.UNKNOWN;
                }
            }
            shared.log().note(this + ": send of " + r.id + " failed: " + e);
            return false;
        }
    }

    /** An op of this client that was acknowledged, picked with {@code random}, or null. */
    synchronized OpRecord someAcked(java.util.Random random) {
        List<OpRecord> acked = ops.values().stream().filter(r -> r.fate == OpRecord.Fate.ACKED && r.key.equals(key)).toList();
        return acked.isEmpty() ? null : acked.get(acked.size() - 1 - random.nextInt(Math.min(acked.size(), 40)));
    }

    /** Waits until every op sent on the open connection is answered, or it ended; reports the rest (P6). */
    void awaitAnswers(Duration timeout) {
        if (!Deadline.await(() -> unanswered().isEmpty(), timeout)) {
            List<String> left = unanswered();
            if (!left.isEmpty()) {
                shared.violations().add(Promise.P6_ANSWERED, this + ": " + left.size() + " ops unanswered after "
                        + timeout + ", e.g. " + Ledger.abbreviate(left.get(0)));
            }
        }
    }

    /** Sends not answered yet on the open connection. */
    synchronized int unansweredCount() {
        return state != State.OPEN ? 0 : ops.values().stream().mapToInt(r -> r.outstanding).sum();
    }

    /** Acknowledgements received for ops of this client. */
    synchronized int ackedCount() {
        return (int) ops.values().stream().filter(r -> r.fate == OpRecord.Fate.ACKED).count();
    }

    private synchronized List<String> unanswered() {
        if (state != State.OPEN) {
            return List.of();
        }
        return ops.values().stream().filter(r -> r.outstanding > 0).map(r -> r.frame).toList();
    }

    // ---- reading ----

    /** Marks the current connection as one that floods (see {@link Connection#everFlooded}). */
    void flooding() {
        Connection c = current;
        if (c != null) {
            c.everFlooded = true;
        }
    }

    void pause() {
        Connection c = current;
        if (c != null) {
            c.pause();
        }
    }

    void unpause() {
        Connection c = current;
        if (c != null) {
            c.unpause();
        }
    }

    synchronized boolean paused() {
        return current != null && current.paused() && state == State.OPEN;
    }

    synchronized State state() {
        return state;
    }

    synchronized TableModel table() {
        return table == null ? null : table.copy();
    }

    synchronized long version() {
        return table == null ? -1 : table.version();
    }

    synchronized String key() {
        return key;
    }

    synchronized Connection connection() {
        return current;
    }

    /** Rejections by code (for the log). */
    synchronized String rejectionSummary() {
        return rejections.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** Ends the connection as a user leaving would (closing handshake or a dropped socket); keeps the table. */
    void leave(boolean abort, String why) {
        Connection c = connection();
        if (c == null || c.ended.isDone()) {
            return;
        }
        if (abort) {
            c.abort(why);
        } else {
            c.close(why);
        }
        if (!Deadline.await(c.ended::isDone, Duration.ofSeconds(10))) {
            shared.violations().add(Promise.P6_ANSWERED, this + ": the close was not answered within 10 s");
            c.abort(why);
        }
    }

    /** Forgets this client for good. */
    void discard() {
        leave(true, "discarded");
        synchronized (this) {
            state = State.GONE;
        }
    }

    /** Called when the test expects this client's connection to end (restart, delete). */
    void expectEnd(String why) {
        Connection c = connection();
        if (c != null) {
            c.endExpected = why;
        }
    }

    // ---- what arrives ----

    void problem(Connection c, Promise promise, String what) {
        shared.violations().add(promise, this + ": " + what);
    }

    void receive(Connection c, String text) {
        JsonObject m;
        try {
            m = Json.createReader(new StringReader(text)).readObject();
        } catch (RuntimeException e) {
            problem(c, Promise.P2_VERSIONS, "an unparsable frame: " + Ledger.abbreviate(text));
            return;
        }
        synchronized (this) {
            if (c != current) {
                return; // a connection this client has already replaced
            }
            switch (m.getString("type", "")) {
                case "welcome" -> welcome(c, m);
                case "applied" -> applied(c, m);
                case "rejected" -> rejected(m);
                case "error" -> shared.log().note(this + ": error " + Ledger.abbreviate(m));
                case "presence" -> presence(c, m);
                default -> problem(c, Promise.P2_VERSIONS, "an unknown message: " + Ledger.abbreviate(text));
            }
            notifyAll();
        }
    }

    /** P7: each presence message applies exactly to the list this connection has (its welcome's, then changed). */
    private void presence(Connection c, JsonObject m) {
        if (!c.welcomed) {
            problem(c, Promise.P7_PRESENCE, "presence before the welcome: " + Ledger.abbreviate(m));
            return;
        }
        int before = c.presence.problems().size();
        c.presence.apply(m);
        c.presence.problems().stream().skip(before).forEach(p -> problem(c, Promise.P7_PRESENCE, p));
    }

    private void welcome(Connection c, JsonObject m) {
        if (c.welcomed) {
            problem(c, Promise.P2_VERSIONS, "a second welcome on one connection: " + Ledger.abbreviate(m));
            return;
        }
        c.presence.welcome(m);
        long version = m.getJsonNumber("version").longValueExact();
        if (Incarnations.isResume(m)) {
            long since = m.getJsonNumber("since").longValueExact();
            if (c.since == null || since != c.since || table == null) {
                problem(c, Promise.P2_VERSIONS, "a resuming welcome from " + since + " but it asked for " + c.since);
            }
            String name = Incarnations.nameIn(m);
            String known = shared.incarnations().nameOf(key);
            if (name != null && known != null && !name.equals(known)) {
                problem(c, Promise.P2_VERSIONS, "resumed " + key + " (" + known + ") into incarnation " + name);
            }
            if (version < since) {
                problem(c, Promise.P2_VERSIONS, "a resuming welcome at v" + version + " from since=" + since);
            }
            c.start = since;
        } else {
            String newKey = shared.incarnations().keyOfCurrent(sheet, Incarnations.nameIn(m), toString());
            if (key != null && !key.equals(newKey)) {
                // Another life of the sheet: ops meant for the old one are not resent into it.
                ops.values().stream().filter(r -> r.fate == OpRecord.Fate.UNKNOWN).forEach(r -> r.fate = OpRecord.Fate.ABANDONED);
            }
            key = newKey;
            table = TableModel.fromWelcome(m);
            c.start = version;
        }
        c.maxSeen = c.start;
        c.welcomed = true;
        state = State.OPEN;
        resumePoint = null;
    }

    private void applied(Connection c, JsonObject m) {
        long version = m.getJsonNumber("version").longValueExact();
        JsonObject content = Ledger.content(m);
        if (!c.welcomed) {
            problem(c, Promise.P2_VERSIONS, "applied v" + version + " before any welcome");
            return;
        }
        String conflict = shared.ledger().saw(key, version, content);
        if (conflict != null) {
            problem(c, Promise.P2_VERSIONS, "a version reused for different content: " + conflict);
        }
        OpRecord own = ops.get(m.getString("id", ""));
        if (own != null && !own.frame.isEmpty() && !sameOp(own, content)) {
            own = null; // another author's op that happens to carry one of our ids
        }
        if (version <= c.maxSeen) {
            if (own == null) {
                problem(c, Promise.P2_VERSIONS, "v" + version + " arrived after v" + c.maxSeen + " on one connection"
                        + " (started at " + c.start + "): " + Ledger.abbreviate(m));
            }
        } else {
            c.maxSeen = version;
            c.covered.set((int) version);
        }
        JsonValue skipped = m.get("skipped");
        if (skipped != null && skipped.getValueType() == JsonValue.ValueType.ARRAY) {
            shared.tally().merged.incrementAndGet();
            for (JsonValue s : skipped.asJsonArray()) {
                long v = ((JsonNumber) s).longValueExact();
                if (v >= version) {
                    problem(c, Promise.P2_VERSIONS, "v" + version + " skips a later version " + v);
                }
                c.covered.set((int) v);
            }
        }
        if (version > table.version()) {
            try {
                table.apply(m.getJsonObject("op"), version);
            } catch (RuntimeException e) {
                problem(c, Promise.P1_SAME_TABLE, "its table cannot take v" + version + " (it diverged): " + e.getMessage());
            }
        }
        if (own != null) {
            acknowledged(own, version, content);
        }
    }

    private void acknowledged(OpRecord own, long version, JsonObject content) {
        if (own.fate == OpRecord.Fate.REJECTED && own.outstanding == 0) {
            shared.violations().add(Promise.P3_NOTHING_LOST, this + ": op " + own.id + " was rejected ("
                    + own.rejectedCode + ") and then applied as v" + version + " without being sent again");
        }
        own.outstanding = Math.max(0, own.outstanding - 1);
        if (own.ackedVersion >= 0 && own.ackedVersion != version && own.key.equals(key)
                && Math.abs(version - own.ackedVersion) < shared.opWindow().getAsInt() / 2) {
            shared.violations().add(Promise.P3_NOTHING_LOST, this + ": op " + own.id + " applied twice, as v"
                    + own.ackedVersion + " and v" + version + ": " + Ledger.abbreviate(own.frame));
        }
        if (own.ackedVersion < 0) {
            own.ackedVersion = version;
        }
        own.fate = OpRecord.Fate.ACKED;
        String conflict = shared.ledger().ack(key, version, content);
        if (conflict != null) {
            shared.violations().add(Promise.P2_VERSIONS, this + ": an ack reuses a version: " + conflict);
        }
    }

    /** Whether an applied message is this op: same type (its fields are the server's to fill in). */
    private static boolean sameOp(OpRecord own, JsonObject applied) {
        return own.frame.contains("\"type\":\"" + applied.getJsonObject("op").getString("type") + "\"");
    }

    private void rejected(JsonObject m) {
        String code = m.getString("code", "?");
        rejections.merge(code, 1, Integer::sum);
        if ("store-unavailable".equals(code)) {
            shared.tally().storeUnavailable.incrementAndGet();
        }
        OpRecord own = ops.get(m.getString("id", ""));
        if (own == null) {
            shared.violations().add(Promise.P2_VERSIONS, this + ": a rejection of an op it never sent: " + Ledger.abbreviate(m));
            return;
        }
        own.outstanding = Math.max(0, own.outstanding - 1);
        if (own.fate == OpRecord.Fate.ACKED && own.key.equals(key)
                && table.version() - own.ackedVersion < shared.opWindow().getAsInt() / 2) {
            shared.violations().add(Promise.P3_NOTHING_LOST, this + ": the resend of op " + own.id + ", applied as v"
                    + own.ackedVersion + ", was rejected instead of acknowledged again: " + Ledger.abbreviate(m));
        }
        if (own.fate != OpRecord.Fate.ACKED) {
            own.fate = OpRecord.Fate.REJECTED;
            own.rejectedCode = code;
        }
    }

    void ended(Connection c, Connection.Ended how) {
        synchronized (this) {
            if (c != current) {
                return;
            }
            if (state != State.GONE) {
                state = how.code() == 4004 ? State.GONE : State.OFFLINE;
            }
            for (OpRecord r : ops.values()) {
                if (r.outstanding > 0) {
                    r.outstanding = 0;
                    if (r.fate == OpRecord.Fate.SENT) {
                        r.fate = OpRecord.Fate.UNKNOWN;
                    }
                }
            }
            Matcher point = RESUME_POINT.matcher(how.reason() == null ? "" : how.reason());
            if (how.code() == 1013) {
                shared.tally().tooSlow.incrementAndGet();
            }
            if (how.code() == 1013 && point.find()) {
                resumePoint = Long.parseLong(point.group(1));
                long hole = c.firstHoleUpTo(Math.min(resumePoint, c.maxSeen));
                if (hole >= 0) {
                    shared.violations().add(Promise.P2_VERSIONS, this + ": closed with '" + how.reason() + "' but v" + hole
                            + " never reached it (neither received nor skipped)");
                }
            }
            notifyAll();
        }
        String note = this + ": connection ended " + how.code() + " " + how.reason()
                + (c.endExpected == null ? "" : " (" + c.endExpected + ")");
        shared.log().note(note);
        if (!expectedEnd(c, how)) {
            shared.violations().add(Promise.P5_NO_THREAD_DIES, "unexpected end of a connection: " + note);
        }
    }

    /** Ends the test caused, or that the protocol allows a slow reader; anything else is a finding. */
    private boolean expectedEnd(Connection c, Connection.Ended how) {
        if (c.endExpected != null) {
            return true;
        }
        return switch (how.code()) {
            case 1013 -> true; // a reader too slow for its outbox, paused or merely busy on a small machine
            // A paused reader does not answer pings, and the close frame of its 1013 waits behind data it
            // does not read, so the server cuts the socket 30 s later (PROTOCOL.md §5).
            case 1001, 1006, -1 -> c.everPaused || c.everFlooded && cutWhileSending(how)
                    || shared.abruptEndsExpected().getAsBoolean();
            default -> shared.abruptEndsExpected().getAsBoolean();
        };
    }

    /** An end the JDK client reports when a send meets a connection the server has closed. */
    private static boolean cutWhileSending(Connection.Ended how) {
        String reason = String.valueOf(how.reason());
        return reason.contains("Broken pipe") || reason.contains("Connection reset") || reason.contains("closed output")
                || reason.contains("closed input");
    }

    /** Waits until the table is at {@code version}, or the connection ended; true if it got there. */
    boolean awaitVersion(long version, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (table == null || table.version() < version) {
                long left = end - System.nanoTime();
                if (left <= 0 || state != State.OPEN) {
                    return table != null && table.version() >= version;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** The ops this client sent, for the step log. */
    synchronized List<OpRecord> ops() {
        return new ArrayList<>(ops.values());
    }
}
