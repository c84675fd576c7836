package dev.livegrid.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live connection to one LiveGrid sheet ({@code /sheets/{sheetId}}, docs/PROTOCOL.md §7) on the JDK's
 * WebSocket client: the Java counterpart of the page's {@code livegrid.js}.
 * <pre>{@code
 * try (LiveGridClient client = LiveGridClient.builder(URI.create("ws://localhost:8080"), "demo").name("Robot").build()) {
 *     Table table = client.connect().get(10, TimeUnit.SECONDS);
 *     Applied applied = client.edit("seed1", "age", "19").get(10, TimeUnit.SECONDS);
 * }
 * }</pre>
 * <ul>
 * <li><b>Ops.</b> Each op method sends one op and returns a future that completes with its {@link Applied}
 *     once the server made it durable, or fails with {@link OpRejectedException} (its code, e.g.
 *     {@code conflict} with the winning cell), {@link ConnectionClosedException} if the client stops first,
 *     or a {@link java.util.concurrent.TimeoutException} after the op timeout. Ops are sent in the order they
 *     are made; made before the join or while reconnecting, they wait and go out after the welcome.</li>
 * <li><b>State.</b> {@link #table()} is the table as the server's messages made it, an immutable value;
 *     {@link #users()} is who is here; {@link #awaitVersion} waits for a version.</li>
 * <li><b>Resume.</b> When the connection drops, the client reconnects (by default with livegrid.js's
 *     back-off, for ever; see {@link ReconnectPolicy}) asking for the ops it missed ({@code since} and the
 *     sheet's incarnation), then resends every op not yet acknowledged, with the same id: the server
 *     recognises an op it already applied (within its {@code op-window}) and answers it with the original
 *     {@code applied}, so no op is lost or applied twice. An op the server refuses as {@code rate-limited} waits and goes again after
 *     a growing pause; ops made after the refusal wait behind it.</li>
 * <li><b>Threads.</b> Methods may be called from any thread and never block, except {@link #close()}.
 *     Listeners are called, and futures completed, on the client's one event thread, in order (see
 *     {@link SheetListener}); {@link #close()} ends that thread.</li>
 * </ul>
 * docs/JAVA-CLIENT.md describes the client further.
 */
public final class LiveGridClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    /** How long {@link #close()} waits for the event thread to end. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ClientConfig config;
    private final EventThread thread;
    private final ListenerList listeners = new ListenerList();
    private final SheetSync sync;
    private final String opIdPrefix = randomPrefix();
    private final AtomicLong nextOpId = new AtomicLong(1);

    private LiveGridClient(ClientConfig config, List<SheetListener> initialListeners) {
        this.config = config;
        this.thread = new EventThread("livegrid-client-" + config.address().sheet() + "-" + CLIENTS.incrementAndGet());
        initialListeners.forEach(listeners::add);
        this.sync = new SheetSync(config, thread, listeners);
    }

    /**
     * A builder for a client of sheet {@code sheetId} on the server at {@code server}.
     *
     * @param server  {@code ws://host:port} (standalone) or {@code ws://host:port/context} (a WAR; {@code wss:}
     *                behind TLS); {@code http:}/{@code https:} are taken as {@code ws:}/{@code wss:}
     * @param sheetId 1-64 characters {@code [A-Za-z0-9_-]}; an unknown sheet is created on joining unless the
     *                server is configured otherwise
     * @throws IllegalArgumentException for a malformed URI or sheet id
     */
    public static Builder builder(URI server, String sheetId) {
        return new Builder(SheetAddress.of(server, sheetId));
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Opens the connection. The future completes with the table of the first welcome, or fails at once
     * (no retry: most likely a wrong address, sheet or credentials) with {@link HandshakeRefusedException}
     * when the server answers the handshake with an HTTP error, or {@link ConnectionClosedException} when it
     * cannot be reached or closes before its welcome. Calling it again returns the same outcome.
     */
    public CompletableFuture<Table> connect() {
        if (!thread.run(sync::connect)) {
            return CompletableFuture.failedFuture(sync.closedException());
        }
        return sync.joined().copy();
    }

    /**
     * Closes the connection (1000) and stops for good: whatever still waits — unacknowledged ops (which may
     * still be applied if they were sent), {@link #awaitVersion}, {@link #connect()} — fails with
     * {@link ConnectionClosedException}, listeners hear {@link Status#CLOSED}, and the event thread ends
     * before this returns (unless called on that thread itself: it then ends right after). Idempotent.
     */
    @Override
    public void close() {
        Disconnection how = new Disconnection(1000, "closed by the client");
        thread.run(() -> sync.stop(how, new ConnectionClosedException(how, null)));
        if (thread.isCurrent()) {
            return;
        }
        try {
            thread.awaitEnd(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- ops

    /** Sets a cell; the last writer wins, in the server's order. {@code value} null empties it. */
    public CompletableFuture<Applied> edit(String row, String col, String value) {
        return submit(editOp(row, col, value), null);
    }

    /**
     * Sets a cell only if its version is still {@code base} (compare-and-set): otherwise the future fails with
     * {@link OpRejectedException} {@code conflict}, whose {@link OpRejectedException#current()} is the cell
     * that won. A never-written cell has version 0; {@link Table#versionOf} gives the base to pass.
     */
    public CompletableFuture<Applied> edit(String row, String col, String value, long base) {
        return submit(editOp(row, col, value), base);
    }

    /**
     * Inserts a row after row {@code after} (null: at the start) with these cell values by column id (may be
     * empty). {@link Applied#createdId()} is the new row's id.
     */
    public CompletableFuture<Applied> insertRow(String after, Map<String, String> cells) {
        return submit(new Op.InsertRow(null, Arguments.idOrNull("after", after), Arguments.cells(cells)), null);
    }

    /** Inserts an empty row after row {@code after} (null: at the start). */
    public CompletableFuture<Applied> insertRow(String after) {
        return insertRow(after, Map.of());
    }

    /** Deletes a row; later edits of it are rejected {@code no-such-row}. */
    public CompletableFuture<Applied> deleteRow(String row) {
        return submit(new Op.DeleteRow(Arguments.id("row", row)), null);
    }

    /**
     * Adds a column named {@code name} after column {@code after} (null: at the start).
     * {@link Applied#createdId()} is the new column's id.
     */
    public CompletableFuture<Applied> addColumn(String name, String after) {
        return submit(new Op.AddColumn(null, Arguments.columnName(name), Arguments.idOrNull("after", after)), null);
    }

    /** Renames a column (its id stays). */
    public CompletableFuture<Applied> renameColumn(String col, String name) {
        return submit(new Op.RenameColumn(Arguments.id("col", col), Arguments.columnName(name)), null);
    }

    /** Deletes a column and its cells in every row. */
    public CompletableFuture<Applied> deleteColumn(String col) {
        return submit(new Op.DeleteColumn(Arguments.id("col", col)), null);
    }

    /**
     * Applies several ops together, at one version, or none of them: e.g. a pasted block of edits, or a
     * column added and filled ({@code new Op.AddColumn(null, "email", null)}, then edits with col
     * {@code "$0"}: a reference to what op 0 of the batch creates). If any op would be refused the
     * future fails with {@link OpRejectedException} and nothing was applied; the server bounds a batch
     * (docs/PROTOCOL.md, §7.3).
     */
    public CompletableFuture<Applied> batch(List<Op> ops) {
        return submit(new Op.Batch(Arguments.batch(ops)), null);
    }

    // ---------------------------------------------------------------- presence and credentials

    /** Puts this client's cursor on a cell (others see it in their {@link #users()}); repeated after a reconnect. */
    public void focus(String row, String col) {
        CellRef cell = new CellRef(Arguments.id("row", row), Arguments.id("col", col));
        thread.run(() -> sync.focus(cell));
    }

    /** Takes this client's cursor off every cell. */
    public void blur() {
        thread.run(() -> sync.focus(null));
    }

    /**
     * Hands over a fresh token for the same user before the current one expires (docs/PROTOCOL.md §7.7). On an
     * open connection it goes as an {@code auth} message — no reconnect, no missed op — and the future
     * completes when the server accepts it, or fails with {@link TokenRefusedException} (the connection keeps
     * its current token). Otherwise the next handshake carries it, and the future completes with that join.
     */
    public CompletableFuture<Void> authenticate(String token) {
        String fresh = Arguments.token(token);
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!thread.run(() -> sync.authenticate(fresh, result))) {
            result.completeExceptionally(sync.closedException());
        }
        return result.copy();
    }

    // ---------------------------------------------------------------- state

    /**
     * The table as of the last message applied.
     *
     * @throws IllegalStateException before the first welcome (wait for {@link #connect()})
     */
    public Table table() {
        Table table = sync.table();
        if (table == null) {
            throw new IllegalStateException("not joined yet: wait for connect() to complete");
        }
        return table;
    }

    /** The version of {@link #table()}; -1 before the first welcome. */
    public long version() {
        Table table = sync.table();
        return table == null ? -1 : table.version();
    }

    /**
     * A future that completes with the table once it has reached {@code version} (at once if it has), or fails
     * with {@link java.util.concurrent.TimeoutException} after {@code timeout}, or with
     * {@link ConnectionClosedException}. Versions count within one incarnation of the sheet.
     */
    public CompletableFuture<Table> awaitVersion(long version, Duration timeout) {
        Arguments.positive("timeout", timeout);
        CompletableFuture<Table> result = new CompletableFuture<>();
        if (!thread.run(() -> sync.awaitVersion(version, timeout, result))) {
            result.completeExceptionally(sync.closedException());
        }
        return result.copy();
    }

    /** Who is here, each user once, in order of arrival; empty before the first welcome. */
    public List<User> users() {
        return sync.users();
    }

    /** This connection's user id, as others see it ({@link Applied#by()}); null before the first welcome. */
    public String you() {
        return sync.you();
    }

    /** The role on the sheet: {@code viewer}, {@code editor} or {@code owner}; null before the first welcome. */
    public String role() {
        return sync.role();
    }

    /** Where the connection stands now ({@link SheetListener#onStatus} reports each change). */
    public Status status() {
        return sync.status();
    }

    /** The sheet id. */
    public String sheetId() {
        return config.address().sheet();
    }

    // ---------------------------------------------------------------- listeners

    /** Adds a listener; to hear the first welcome, add it before {@link #connect()} (or on the builder). */
    public void addListener(SheetListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before; calls already under way on the event thread still finish. */
    public void removeListener(SheetListener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "LiveGridClient[" + config.address() + ", " + status() + ", version " + version() + "]";
    }

    /** How many {@code rate-limited} refusals this client has had (and answered by sending again); for tests. */
    long rateLimitedAnswers() {
        return sync.rateLimitedAnswers();
    }

    // ---------------------------------------------------------------- internals

    private static Op.Edit editOp(String row, String col, String value) {
        return new Op.Edit(Arguments.id("row", row), Arguments.id("col", col), Arguments.value("value", value));
    }

    private CompletableFuture<Applied> submit(Op op, Long base) {
        String id = opIdPrefix + "-" + nextOpId.getAndIncrement();
        CompletableFuture<Applied> result = new CompletableFuture<>();
        PendingOps.Pending pending = new PendingOps.Pending(id, op, Wire.op(id, op, base), result);
        if (!thread.run(() -> sync.submit(pending))) {
            result.completeExceptionally(sync.closedException());
        }
        return result.copy();
    }

    /** A random op id prefix, so that this client's ids never meet another's in the server's de-duplication. */
    private static String randomPrefix() {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            prefix.append(Character.forDigit(RANDOM.nextInt(36), 36));
        }
        return prefix.toString();
    }

    /** 16 random bytes in base64url: the client's secret key (docs/PROTOCOL.md §7.1). */
    private static String randomKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Settings of a {@link LiveGridClient}; each has a default except the server and the sheet. */
    public static final class Builder {

        private final SheetAddress address;
        private String name;
        private String token;
        private String clientKey;
        private HttpClient http;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration opTimeout = Duration.ofSeconds(30);
        private Duration keepAlive = Duration.ofSeconds(10);
        private ReconnectPolicy reconnect = ReconnectPolicy.backoff();
        private long maxMessageSize = 64L * 1024 * 1024;
        private int maxPendingOps = 10_000;
        private final List<SheetListener> listeners = new ArrayList<>();

        private Builder(SheetAddress address) {
            this.address = address;
        }

        /**
         * The display name others see (default: the server's, {@code Guest}); at most 100 characters (code
         * points), no control characters. A server with sign-in takes the name from the token instead.
         */
        public Builder name(String name) {
            this.name = Arguments.displayName(name);
            return this;
        }

        /**
         * A bearer token (JWT) for a server with {@code auth=token}, sent as {@code Authorization: Bearer} on
         * every handshake (never in the URL, so never in a log).
         */
        public Builder token(String token) {
            this.token = Arguments.token(token);
            return this;
        }

        /**
         * This client's secret key (16-64 characters {@code [A-Za-z0-9_-]}; default: 16 random bytes). Without
         * sign-in the server derives the user id from it, and recognises resent ops by it (docs/PROTOCOL.md
         * §7.5); give two clients the same key only to make them one user.
         */
        public Builder clientKey(String clientKey) {
            this.clientKey = Arguments.clientKey(clientKey);
            return this;
        }

        /** The HttpClient to open WebSockets with (default: one shared by every client that is given none). */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** How long one handshake may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Arguments.positive("connectTimeout", timeout);
            return this;
        }

        /**
         * How long an op's future waits for its answer before it fails with a {@code TimeoutException} (default
         * 30 s). The op itself is not withdrawn: it stays pending and may still be applied.
         */
        public Builder opTimeout(Duration timeout) {
            this.opTimeout = Arguments.positive("opTimeout", timeout);
            return this;
        }

        /**
         * How often the client pings the server (default 10 s); a ping still unanswered at the next one counts as
         * a lost connection (1006), and the client resumes. The JDK's WebSocket does not always report a TCP
         * connection the server's side closed without a close frame (a server killed, a proxy's drop), so
         * without this a client could wait on such a connection for ever. {@link Duration#ZERO}: never.
         */
        public Builder keepAlive(Duration every) {
            Objects.requireNonNull(every, "every");
            if (every.isNegative()) {
                throw new IllegalArgumentException("keepAlive must not be negative, not " + every);
            }
            this.keepAlive = every;
            return this;
        }

        /** When to reconnect after losing the connection (default {@link ReconnectPolicy#backoff()}). */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The longest message accepted from the server, in characters (default 64 Mi, a welcome of the largest
         * sheet a server allows); a longer one closes the connection, which the client treats as a drop.
         */
        public Builder maxMessageSize(long characters) {
            if (characters < 1024) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1024 characters, not " + characters);
            }
            this.maxMessageSize = characters;
            return this;
        }

        /** How many ops may wait unacknowledged (default 10,000); an op beyond fails at once. */
        public Builder maxPendingOps(int ops) {
            if (ops < 1) {
                throw new IllegalArgumentException("maxPendingOps must be at least 1, not " + ops);
            }
            this.maxPendingOps = ops;
            return this;
        }

        /** Adds a listener from the start, so it hears the first welcome. */
        public Builder listener(SheetListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The client, not yet connected: call {@link LiveGridClient#connect()}. */
        public LiveGridClient build() {
            ClientConfig config = new ClientConfig(address, name, clientKey != null ? clientKey : randomKey(), token,
                    http != null ? http : SharedHttpClient.get(), connectTimeout, opTimeout, reconnect, maxMessageSize,
                    maxPendingOps, keepAlive);
            return new LiveGridClient(config, listeners);
        }
    }
}
