package dev.livegrid.support;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A sheet client over a real JDK {@link WebSocket}, as a browser page would be: it keeps its own
 * {@link TableModel} (replaced by a full {@code welcome}, kept by a resuming one, moved forward by
 * every {@code applied} message with a newer version), and records what it saw so a test can check
 * the protocol afterwards: the version of every {@code applied} message in arrival order, the
 * {@code skipped} versions, rejections by code, answers to its own ops, and the close.
 * <p>
 * Messages are also queued (presence excepted, and {@code applied} too when {@link #keepApplied} is
 * off) for {@link #next(String)}. Every wait is bounded ({@link #TIMEOUT} unless given). A client can
 * stop reading after its welcome ({@link #pauseAfterWelcome}) — it then requests nothing more from its
 * WebSocket, so the server's writes back up — until {@link #resume()}.
 * <p>
 * An {@code applied} message whose version is not newer than the table is recorded as {@link #stale}
 * and not applied: the re-ack of a resent op, or the overlap of a resume from a 1013 resume point that
 * is older than the last version received (a resume point never skips a version a client lacks, but
 * may repeat ones it has).
 * <p>
 * Configure, then {@link #connect}. Sends are serialized (the JDK forbids overlapping sends).
 */
public final class SheetClient implements WebSocket.Listener, AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Looked up once: {@code Json.createReader} looks the provider up on every call, which is slow. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** How the connection ended: the close code and reason (code -1: an error, reason its text). */
    public record Closed(int code, String reason) {
    }

    private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final CompletableFuture<JsonObject> welcomed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private final ApiTraffic.Socket traffic = ApiTraffic.socket("sheets");
    private volatile WebSocket ws;
    private volatile boolean paused;
    private boolean keepApplied = true;
    private boolean keepPresence;
    private boolean pauseAfterWelcome;

    // guarded by this
    private TableModel model;
    private final PresenceModel presence = new PresenceModel();
    private String you;
    private final List<Long> appliedSeen = new ArrayList<>();
    private final List<Long> appliedToModel = new ArrayList<>();
    private final List<Long> skipped = new ArrayList<>();
    private final List<Long> stale = new ArrayList<>();
    private final Map<String, Integer> rejectedByCode = new TreeMap<>();
    private final Map<String, Integer> sends = new LinkedHashMap<>();
    private final Map<String, Integer> answers = new LinkedHashMap<>();
    private final Map<String, String> sentFrames = new LinkedHashMap<>();
    private int sentTotal;
    private int appliedOwn;
    private final List<String> problems = new ArrayList<>();
    private int errors;
    private long welcomeVersion = -1;
    private long bytesReceived;

    /** Queue {@code applied} messages for {@link #next} (default on; off for long load runs). */
    public SheetClient keepApplied(boolean keep) {
        this.keepApplied = keep;
        return this;
    }

    /** Queue {@code presence} messages for {@link #next} (default off). */
    public synchronized SheetClient keepPresence(boolean keep) {
        this.keepPresence = keep;
        return this;
    }

    /** Stop reading once the welcome has arrived, until {@link #resume()}. */
    public SheetClient pauseAfterWelcome() {
        this.pauseAfterWelcome = true;
        return this;
    }

    /** Start from this table (e.g. before reconnecting with {@code ?since=}); a full welcome replaces it. */
    public synchronized SheetClient startingFrom(TableModel table) {
        this.model = table.copy();
        return this;
    }

    /**
     * Opens the socket; returns once the handshake is done (the welcome may still be on its way). A
     * resume ({@code since=} in the query) names the incarnation of the table this client starts from,
     * unless the query names one itself.
     */
    public SheetClient connect(URI uri) throws Exception {
        return connect(uri, Map.of());
    }

    /** As {@link #connect(URI)}, sending these headers with the handshake (e.g. {@code Authorization}). */
    public SheetClient connect(URI uri, Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        builder.buildAsync(withIncarnation(uri), this).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return this;
    }

    private synchronized URI withIncarnation(URI uri) {
        String query = uri.getRawQuery();
        if (query == null || !("&" + query).contains("&since=") || ("&" + query).contains("&incarnation=")
                || model == null || model.incarnation() == null) {
            return uri;
        }
        return URI.create(uri + "&incarnation=" + model.incarnation());
    }

    /** A new client on {@code uri}, after its welcome. */
    public static SheetClient join(URI uri) throws Exception {
        SheetClient client = new SheetClient().connect(uri);
        client.awaitWelcome();
        return client;
    }

    /**
     * The HTTP status with which the server refused the WebSocket handshake to {@code uri}.
     *
     * @throws AssertionError if the handshake succeeded
     */
    public static int refusedHandshakeStatus(URI uri) throws Exception {
        return refusedHandshake(uri, Map.of()).statusCode();
    }

    /**
     * The HTTP response with which the server refused the WebSocket handshake to {@code uri} sent with
     * these headers.
     *
     * @throws AssertionError if the handshake succeeded
     */
    public static java.net.http.HttpResponse<?> refusedHandshake(URI uri, Map<String, String> headers) throws Exception {
        WebSocket opened;
        try {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
            headers.forEach(builder::header);
            opened = builder.buildAsync(uri, new WebSocket.Listener() {
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse();
            }
            throw e;
        }
        opened.abort();
        throw new AssertionError("the handshake to " + uri + " was accepted");
    }

    // ---- sending ----

    /** Sends a frame as is. */
    public void send(String text) throws Exception {
        synchronized (sendLock) {
            traffic.sent(text);
            ws.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Sends a binary frame (no message of the sheet protocol). */
    public void sendBinary(java.nio.ByteBuffer data) throws Exception {
        synchronized (sendLock) {
            ws.sendBinary(data, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Sends an op frame and remembers its id, to count its answers: {@code applied} (by anyone) or {@code rejected}. */
    public void sendOp(String frame) throws Exception {
        String id = parse(frame).getString("id");
        synchronized (this) {
            sends.merge(id, 1, Integer::sum);
            answers.putIfAbsent(id, 0);
            sentFrames.put(id, frame);
            sentTotal++;
        }
        send(frame);
    }

    /** Starts the closing handshake (1000) and waits for the server's close. */
    @Override
    public void close() {
        if (ws == null || closed.isDone()) {
            return;
        }
        resume();
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }

    /** Drops the TCP connection without a closing handshake. */
    public void abort() {
        ws.abort();
    }

    /** Starts reading again after {@link #pauseAfterWelcome}. */
    public void resume() {
        if (paused) {
            paused = false;
            ws.request(1);
        }
    }

    // ---- waiting ----

    /** The (first) welcome of this connection. */
    public JsonObject awaitWelcome() throws Exception {
        try {
            CompletableFuture.anyOf(welcomed, closed).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no welcome within " + TIMEOUT + "; closed: " + closed.getNow(null));
        }
        JsonObject welcome = welcomed.getNow(null);
        if (welcome == null) {
            throw new AssertionError("closed before any welcome: " + closed.getNow(null));
        }
        return welcome;
    }

    /** The next queued message of this type; others before it are discarded. */
    public JsonObject next(String type) throws Exception {
        return next(type, TIMEOUT);
    }

    public JsonObject next(String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skippedTypes = new ArrayList<>();
        while (true) {
            JsonObject m = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no '" + type + "' message within " + timeout + " (passed over "
                        + skippedTypes + "; closed: " + closed.getNow(null) + ")");
            }
            if (m.getString("type").equals(type)) {
                return m;
            }
            skippedTypes.add(m.getString("type"));
        }
    }

    /** The next queued message of any type, or null after the timeout. */
    public JsonObject poll(Duration timeout) throws InterruptedException {
        return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits for the connection to end (reading resumed if paused). */
    public Closed awaitClose(Duration timeout) throws Exception {
        resume();
        try {
            return closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the connection was not closed within " + timeout);
        }
    }

    /** Waits {@code period}; true if the connection is still open at the end of it. */
    public boolean staysOpenFor(Duration period) throws Exception {
        try {
            closed.get(period.toNanos(), TimeUnit.NANOSECONDS);
            return false;
        } catch (TimeoutException e) {
            return true;
        }
    }

    /** The close, if the connection has ended. */
    public Closed closedOrNull() {
        return closed.getNow(null);
    }

    /** Waits until this client's table is at {@code version} or later. */
    public void awaitVersion(long version, Duration timeout) throws InterruptedException {
        awaitCondition(() -> model != null && model.version() >= version, timeout,
                () -> "version " + version + " not reached; at " + (model == null ? "-" : model.version()));
    }

    /** Waits until the users this client knows of (welcome, then presence changes) satisfy {@code done}. */
    public void awaitUsers(java.util.function.Predicate<Map<String, PresenceModel.User>> done, Duration timeout,
                           String what) throws InterruptedException {
        awaitCondition(() -> done.test(presence.users()), timeout, () -> what + "; users: " + presence.users());
    }

    /** Users this client was told about in all (welcome lists and joins): see {@link PresenceModel#entriesReceived}. */
    public synchronized int userEntriesReceived() {
        return presence.entriesReceived();
    }

    /** The users this client knows of now, by id. */
    public synchronized Map<String, PresenceModel.User> users() {
        return presence.users();
    }

    /** Waits until every op sent has been answered. */
    public void awaitAllAnswered(Duration timeout) throws InterruptedException {
        awaitCondition(() -> unansweredCount() == 0, timeout,
                () -> unansweredCount() + " ops unanswered: " + unanswered());
    }

    /** Waits until the op with this id has been answered as often as it was sent. */
    public void awaitAnswer(String id, Duration timeout) throws InterruptedException {
        awaitCondition(() -> answers.getOrDefault(id, 0) >= sends.getOrDefault(id, 0), timeout,
                () -> "no answer to op " + id);
    }

    /** Waits until fewer than {@code limit} ops sent are unanswered (a send window). */
    public void awaitUnansweredBelow(int limit, Duration timeout) throws InterruptedException {
        awaitCondition(() -> unansweredCount() < limit, timeout, () -> unansweredCount() + " ops unanswered");
    }

    private synchronized void awaitCondition(BooleanSupplier done, Duration timeout,
                                             java.util.function.Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed.isDone()) {
                if (done.getAsBoolean()) {
                    return;
                }
                String why = closed.isDone() ? "; the connection closed: " + closed.getNow(null) : " within " + timeout;
                throw new AssertionError(failure.get() + why + "; problems: " + problems);
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }

    // ---- what was seen ----

    /** A copy of this client's table. */
    public synchronized TableModel table() {
        return model == null ? null : model.copy();
    }

    /** Reads this client's table under its lock (cheaper than {@link #table()} for a quick look). */
    public synchronized <T> T inspect(java.util.function.Function<TableModel, T> reader) {
        return reader.apply(model);
    }

    public synchronized long version() {
        return model == null ? -1 : model.version();
    }

    /** This connection's user id (from its welcome). */
    public synchronized String you() {
        return you;
    }

    /** Version of the last full or resuming welcome. */
    public synchronized long welcomeVersion() {
        return welcomeVersion;
    }

    /** Versions of every {@code applied} message received, in arrival order (re-acks and overlaps included). */
    public synchronized List<Long> appliedSeen() {
        return List.copyOf(appliedSeen);
    }

    /** Versions applied to the table, in order. */
    public synchronized List<Long> appliedToTable() {
        return List.copyOf(appliedToModel);
    }

    /** Versions listed as {@code skipped} by applied messages. */
    public synchronized List<Long> skipped() {
        return List.copyOf(skipped);
    }

    /** Versions of applied messages that were not newer than the table (re-acks, resume overlaps). */
    public synchronized List<Long> stale() {
        return List.copyOf(stale);
    }

    public synchronized Map<String, Integer> rejectedByCode() {
        return new TreeMap<>(rejectedByCode);
    }

    public synchronized int errorCount() {
        return errors;
    }

    public synchronized int sentOps() {
        return sentTotal;
    }

    /** Ops of this client applied as new versions (its op ids in applied messages newer than its table). */
    public synchronized int appliedOwnOps() {
        return appliedOwn;
    }

    public synchronized long bytesReceived() {
        return bytesReceived;
    }

    /** Ids answered more often than they were sent. */
    public synchronized List<String> answeredTwice() {
        return answers.entrySet().stream().filter(e -> e.getValue() > sends.get(e.getKey())).map(Map.Entry::getKey)
                .toList();
    }

    /** Things this client could not reconcile (divergent ops, unparsable frames...). */
    public synchronized List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        all.addAll(presence.problems());
        return List.copyOf(all);
    }

    /** The frames of ops sent but not answered yet (at most 10). */
    public synchronized List<String> unanswered() {
        return answers.entrySet().stream().filter(e -> e.getValue() < sends.get(e.getKey())).limit(10)
                .map(e -> sentFrames.get(e.getKey())).toList();
    }

    private synchronized int unansweredCount() {
        return (int) answers.entrySet().stream().filter(e -> e.getValue() < sends.get(e.getKey())).count();
    }

    // ---- the listener ----

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            String type = receive(text);
            if (pauseAfterWelcome && "welcome".equals(type)) {
                paused = true;
            }
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
        synchronized (this) {
            problems.add("unexpected binary frame");
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        wake();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error)));
        wake();
    }

    private synchronized void wake() {
        notifyAll();
    }

    /** Records one whole message; returns its type. */
    private synchronized String receive(String text) {
        traffic.received(text);
        bytesReceived += text.length();
        JsonObject m;
        try {
            m = parse(text);
        } catch (RuntimeException e) {
            problems.add("unparsable frame: " + text);
            return null;
        }
        String type = m.getString("type", "");
        try {
            switch (type) {
                case "welcome" -> welcome(m);
                case "applied" -> applied(m);
                case "rejected" -> {
                    rejectedByCode.merge(m.getString("code"), 1, Integer::sum);
                    answers.computeIfPresent(m.getString("id"), (id, n) -> n + 1);
                }
                case "error" -> errors++;
                case "role", "authenticated" -> {
                    // access: kept in the inbox for the test to read
                }
                case "presence" -> presence.apply(m);
                default -> problems.add("unknown message type: " + text);
            }
        } catch (RuntimeException e) {
            problems.add(e + " while handling " + abbreviate(text));
        }
        boolean keep = switch (type) {
            case "applied" -> keepApplied;
            case "presence" -> keepPresence;
            default -> true;
        };
        if (keep) {
            inbox.add(m);
        }
        notifyAll();
        return type;
    }

    private void welcome(JsonObject m) {
        you = m.getString("you");
        presence.welcome(m);
        welcomeVersion = m.getJsonNumber("version").longValueExact();
        if (m.containsKey("since")) {
            if (model == null) {
                problems.add("a resuming welcome, but this client has no table: " + m);
            }
        } else {
            model = TableModel.fromWelcome(m);
        }
        welcomed.complete(m);
    }

    private void applied(JsonObject m) {
        long version = m.getJsonNumber("version").longValueExact();
        appliedSeen.add(version);
        boolean own = answers.computeIfPresent(m.getString("id"), (id, n) -> n + 1) != null;
        if (m.containsKey("skipped") && m.get("skipped").getValueType() == JsonValue.ValueType.ARRAY) {
            m.getJsonArray("skipped").forEach(v -> skipped.add(((JsonNumber) v).longValueExact()));
        }
        if (model == null) {
            problems.add("applied before any welcome: " + abbreviate(m.toString()));
        } else if (version <= model.version()) {
            stale.add(version);
        } else {
            model.apply(m.getJsonObject("op"), version);
            appliedToModel.add(version);
            if (own) {
                appliedOwn++;
            }
        }
    }

    private static JsonObject parse(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
