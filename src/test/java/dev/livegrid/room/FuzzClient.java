package dev.livegrid.room;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.support.FrameFuzz;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A client that sends random and damaged frames on one sheet over the JDK's WebSocket (which only
 * sends what RFC 6455 allows: text is valid UTF-8) and checks that each got its documented answer
 * (docs/PROTOCOL.md §7.4), telling what a frame is the way the server does ({@link Codec#decode}):
 * <ul>
 *   <li>a malformed text frame, and a binary frame: an {@code error} {@code bad-message} carrying the
 *       decoder's problem — in the order the frames were sent;</li>
 *   <li>an op: exactly one answer, its {@code applied} (by this client) or a {@code rejected} with a
 *       documented code;</li>
 *   <li>a {@code focus}: a presence update, or an {@code error} when its cell is unknown;</li>
 *   <li>the 50th refusal in a row: close 1008 after its error; a message over {@code max-message-size}:
 *       close 1009. Each is expected (the client keeps count of refusals in a row as the server does)
 *       and followed by a reconnect; no other close may happen.</li>
 * </ul>
 * Before a frame that closes the connection the client waits until everything it sent is answered, so
 * a close never leaves an answer unaccounted for; otherwise at most {@link #WINDOW} answers are awaited
 * at once, frames of up to {@code max-message-size} among them. What went wrong is collected in
 * {@link #problems()}.
 */
final class FuzzClient implements WebSocket.Listener {

    /** Answers awaited at once. */
    static final int WINDOW = 32;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final java.util.regex.Pattern YOU = java.util.regex.Pattern.compile("\"you\":\"([A-Za-z0-9_-]+)\"");
    /** Where JSON-P says a syntax error is: not the same for one text every time (it depends on its pooled buffers). */
    private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile(" at \\(line no=.*?\\)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The close "code" of a connection that failed without a close frame. */
    static final int RESET = -1;
    private static final String BINARY_PROBLEM = "binary frames are not messages here; send JSON text frames";
    /** Codes a fuzzed op may be rejected with on a healthy server (store-unavailable, server-error... may not). */
    static final Set<String> EXPECTED_REJECTIONS = Set.of("conflict", "no-such-row", "no-such-column", "invalid",
            "too-large", "rate-limited");

    private final String name;
    private final URI uri;
    private final Random random;
    private final FrameFuzz fuzz;
    private final int maxMessageSize;

    // The connection, guarded by this.
    private WebSocket ws;
    private CompletableFuture<Integer> closed;
    private CompletableFuture<Void> welcomed;
    private final StringBuilder partial = new StringBuilder();
    private String you;
    private final Deque<String> expectedErrors = new ArrayDeque<>();
    private final Map<String, Integer> pendingOps = new HashMap<>();
    private int pendingCount;
    private int strikes;
    private Throwable lastError;

    // Counts over every connection, guarded by this.
    final Map<String, Integer> sent = new TreeMap<>();
    int frames;
    int errorsMatched;
    int focusSent;
    int focusErrors;
    int appliedOwn;
    int presence;
    final Map<String, Integer> rejected = new TreeMap<>();
    final Map<Integer, Integer> closes = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    FuzzClient(String name, URI uri, Random random, FrameFuzz fuzz, int maxMessageSize) {
        this.name = name;
        this.uri = uri;
        this.random = random;
        this.fuzz = fuzz;
        this.maxMessageSize = maxMessageSize;
    }

    /** Sends frames until {@code quota} are sent or the deadline passes; stops at the first problem. */
    void run(int quota, long deadline) throws Exception {
        connect();
        while (frames < quota && System.nanoTime() < deadline && problems().isEmpty()) {
            int dice = random.nextInt(1000);
            if (dice < 4) {
                strikeOut();
            } else if (dice < 6) {
                oversize();
            } else {
                sendOne();
            }
        }
        awaitAnswered();
        WebSocket socket;
        synchronized (this) {
            socket = ws;
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        awaitClose(WebSocket.NORMAL_CLOSURE);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    // ---- what to send ----

    private void sendOne() throws Exception {
        int dice = random.nextInt(100);
        if (dice < 7) {
            sendBinary(randomBytes());
            return;
        }
        String text;
        if (dice < 52) {
            text = fuzz.mutated();
        } else if (dice < 62) {
            text = fuzz.randomJson();
        } else if (dice < 69) {
            text = fuzz.garbage();
        } else if (dice < 89) {
            text = fuzz.validOp().text();
        } else if (dice < 97) {
            text = fuzz.validMessage().text();
        } else {
            text = nearTheLimit();
        }
        sendText(text);
    }

    /**
     * A frame of a half to all of {@code max-message-size}: an edit whose value is too large for a cell,
     * or a valid op with a large unknown field (which is ignored).
     */
    private String nearTheLimit() {
        int length = maxMessageSize - 200 - random.nextInt(maxMessageSize / 2);
        String value = "v".repeat(length);
        return random.nextBoolean() ? fuzz.validOp().text().replaceFirst("^\\s*\\{", "{\"pad\":\"" + value + "\",")
                : "{\"type\":\"edit\",\"id\":\"big-" + frames + "\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"" + value + "\"}";
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(10) == 0 ? 0 : random.nextInt(2000)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Refusals until the 50th in a row, which closes the connection with 1008; then a new connection. */
    private void strikeOut() throws Exception {
        awaitAnswered();
        while (true) {
            int before = strikes();
            if (random.nextInt(5) == 0) {
                sendBinary(randomBytes());
            } else {
                String text;
                do {
                    text = random.nextBoolean() ? fuzz.wrongField() : fuzz.garbage();
                } while (text.length() > maxMessageSize / 4 || !(Codec.decode(text) instanceof ClientMessage.Malformed));
                sendText(text);
            }
            if (before + 1 == Member.MAX_STRIKES) {
                return; // sendText/sendBinary saw the close and reconnected
            }
        }
    }

    /** A message one byte over the limit. */
    private void oversize() throws Exception {
        if (random.nextBoolean()) {
            sendOversize(socket -> socket.sendText("x".repeat(maxMessageSize + 1), true));
        } else {
            sendOversize(socket -> socket.sendBinary(ByteBuffer.wrap(new byte[maxMessageSize + 1]), true));
        }
    }

    /**
     * A message over {@code max-message-size}: the frame guard closes with 1009 from its header. The
     * server closes while the rest of the message is still unread, so TCP may answer it with a reset,
     * which the JDK client can report before it reads the close frame; that is counted, not failed
     * (the raw-socket clients check the 1009 exactly).
     */
    private void sendOversize(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> sending)
            throws Exception {
        awaitAnswered();
        WebSocket socket;
        synchronized (this) {
            socket = ws;
            sent.merge("oversize", 1, Integer::sum);
            frames++;
        }
        try {
            sending.apply(socket).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // The server closed before taking all of it; the close is what counts.
        }
        CompletableFuture<Integer> close;
        synchronized (this) {
            close = closed;
        }
        int got = close.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        synchronized (this) {
            closes.merge(got, 1, Integer::sum);
            if (got != 1009 && got != RESET) {
                problem("a message over the limit was closed with " + got + ", not 1009");
            }
        }
        connect();
    }

    // ---- sending, with what the answer must be ----

    private void sendText(String text) throws Exception {
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxMessageSize) {
            sendOversize(socket -> socket.sendText(text, true));
            return;
        }
        ClientMessage message = Codec.decode(text);
        boolean closes;
        synchronized (this) {
            closes = message instanceof ClientMessage.Malformed && strikes + 1 >= Member.MAX_STRIKES;
        }
        if (closes) {
            awaitAnswered();
        }
        awaitWindow();
        synchronized (this) {
            frames++;
            if (message instanceof ClientMessage.Malformed malformed) {
                sent.merge("malformed", 1, Integer::sum);
                expectedErrors.addLast(malformed.problem());
                strikes++;
            } else if (message instanceof ClientMessage.OpRequest op) {
                sent.merge("op", 1, Integer::sum);
                pendingOps.merge(op.id(), 1, Integer::sum);
                pendingCount++;
                strikes = 0;
            } else if (message instanceof ClientMessage.Focus) {
                sent.merge("focus", 1, Integer::sum);
                focusSent++;
                strikes = 0;
            } else {
                sent.merge("blur", 1, Integer::sum);
                strikes = 0;
            }
        }
        send(socket -> socket.sendText(text, true));
        if (closes) {
            strikeOutClose();
        }
    }

    private void sendBinary(byte[] bytes) throws Exception {
        boolean closes;
        synchronized (this) {
            closes = strikes + 1 >= Member.MAX_STRIKES;
        }
        if (closes) {
            awaitAnswered();
        }
        awaitWindow();
        synchronized (this) {
            frames++;
            sent.merge("binary", 1, Integer::sum);
            expectedErrors.addLast(BINARY_PROBLEM);
            strikes++;
        }
        send(socket -> socket.sendBinary(ByteBuffer.wrap(bytes), true));
        if (closes) {
            strikeOutClose();
        }
    }

    /** After the 50th refusal in a row: its error, then close 1008; then a new connection. */
    private void strikeOutClose() throws Exception {
        awaitClose(1008);
        synchronized (this) {
            if (!expectedErrors.isEmpty()) {
                problem("closed 1008 before the errors of " + expectedErrors.size() + " refused frames arrived");
            }
        }
        connect();
    }

    private void send(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> sending) throws Exception {
        WebSocket socket;
        synchronized (this) {
            socket = ws;
        }
        sending.apply(socket).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private synchronized int strikes() {
        return strikes;
    }

    // ---- connections ----

    private void connect() throws Exception {
        CompletableFuture<Void> welcome;
        synchronized (this) {
            closed = new CompletableFuture<>();
            welcomed = welcome = new CompletableFuture<>();
            expectedErrors.clear();
            pendingOps.clear();
            pendingCount = 0;
            strikes = 0;
            you = null;
        }
        WebSocket socket = HTTP.newWebSocketBuilder().connectTimeout(PATIENCE).buildAsync(uri, this)
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        synchronized (this) {
            ws = socket;
        }
        welcome.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private void awaitClose(int code) throws Exception {
        CompletableFuture<Integer> close;
        synchronized (this) {
            close = closed;
        }
        int got = close.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        synchronized (this) {
            closes.merge(got, 1, Integer::sum);
            if (got != code) {
                problem("closed with " + got + (got == RESET ? " (" + lastError + ")" : "") + ", expected " + code);
            }
        }
    }

    private synchronized int outstanding() {
        return expectedErrors.size() + pendingCount;
    }

    private void awaitWindow() throws InterruptedException {
        await(() -> outstanding() < WINDOW, "a free place in the window");
    }

    private void awaitAnswered() throws InterruptedException {
        await(() -> outstanding() == 0, "answers to everything sent");
    }

    private synchronized void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (closed.isDone()) {
                problem("the connection closed (" + closed.getNow(null) + ") while waiting for " + what);
                throw new IllegalStateException(name + ": " + problems);
            }
            if (left <= 0) {
                problem("no " + what + " within " + PATIENCE + ": awaiting errors " + expectedErrors.size()
                        + ", ops " + pendingOps);
                throw new IllegalStateException(name + ": " + problems);
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private void problem(String what) {
        if (problems.size() < 20) {
            problems.add(name + ": " + what);
        }
    }

    // ---- the listener ----

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            receive(text);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        synchronized (this) {
            problem("a binary frame from the server");
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public synchronized CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        notifyAll();
        return null;
    }

    /** The connection failed without a close frame (reset, broken pipe); only expected after an oversize message. */
    @Override
    public synchronized void onError(WebSocket webSocket, Throwable error) {
        closed.complete(RESET);
        lastError = error;
        notifyAll();
    }

    private synchronized void receive(String text) {
        // Most messages are others' updates and presence: counted without parsing them.
        if (text.startsWith("{\"type\":\"presence\"")) {
            presence++;
            return;
        }
        if (text.startsWith("{\"type\":\"applied\"") && !text.contains("\"by\":\"" + you + "\"")) {
            return;
        }
        if (text.startsWith("{\"type\":\"welcome\"")) {
            java.util.regex.Matcher id = YOU.matcher(text.substring(0, Math.min(text.length(), 400)));
            if (!id.find()) {
                problem("a welcome without \"you\": " + abbreviate(text));
                return;
            }
            you = id.group(1);
            welcomed.complete(null);
            return;
        }
        JsonObject m;
        try (var reader = JSON.createReader(new StringReader(text))) {
            m = reader.readObject();
        } catch (RuntimeException e) {
            problem("unparsable message: " + abbreviate(text));
            return;
        }
        switch (m.getString("type", "")) {
            case "welcome" -> {
                you = m.getString("you");
                welcomed.complete(null);
            }
            case "error" -> error(m);
            case "rejected" -> {
                String code = m.getString("code");
                rejected.merge(code, 1, Integer::sum);
                if (!EXPECTED_REJECTIONS.contains(code)) {
                    problem("rejected with " + code + ": " + abbreviate(text));
                }
                answered(m.getString("id"), text);
            }
            case "applied" -> {
                if (m.getString("by").equals(you)) {
                    appliedOwn++;
                    answered(m.getString("id"), text);
                }
            }
            case "presence" -> presence++;
            default -> problem("unknown message: " + abbreviate(text));
        }
        notifyAll();
    }

    private void error(JsonObject m) {
        String message = m.getString("message");
        if (!"bad-message".equals(m.getString("code"))) {
            problem("an error with code " + m.getString("code"));
        }
        if (message.startsWith("focus: ")) {
            focusErrors++;
            if (focusErrors > focusSent) {
                problem("more focus errors than focus messages");
            }
            return;
        }
        String expected = expectedErrors.pollFirst();
        if (expected == null) {
            problem("an error nothing sent asked for: " + abbreviate(message));
        } else if (!withoutPosition(expected).equals(withoutPosition(message))) {
            problem("error '" + abbreviate(message) + "' where the frame sent called for '" + abbreviate(expected) + "'");
        } else {
            errorsMatched++;
        }
    }

    /**
     * The problem without the position of a syntax error: JSON-P reports positions that depend on the
     * state of its pooled buffers (even past the end of the text), so two decodings of one frame may
     * disagree there; the rest of the problem is the same.
     */
    static String withoutPosition(String problem) {
        return POSITION.matcher(problem).replaceAll("");
    }

    private void answered(String id, String text) {
        Integer waiting = pendingOps.get(id);
        if (waiting == null) {
            problem("an answer to no op sent: " + abbreviate(text));
        } else {
            pendingCount--;
            if (waiting == 1) {
                pendingOps.remove(id);
            } else {
                pendingOps.put(id, waiting - 1);
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
