package dev.livegrid.http;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.Challenge;
import dev.livegrid.access.ContainerUser;
import dev.livegrid.access.CredentialsException;
import dev.livegrid.access.Identity;
import dev.livegrid.access.Role;
import dev.livegrid.config.Settings;
import dev.livegrid.guard.ClientAddress;
import dev.livegrid.guard.OriginCheck;
import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.room.OpResult;
import dev.livegrid.room.RateLimits;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.room.RoomUnavailableException;
import dev.livegrid.sheet.Ids;
import dev.livegrid.store.LoggedOp;
import dev.livegrid.store.SheetSummary;
import dev.livegrid.store.StoreException;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The HTTP API (docs/HTTP-API.md): routes a request and answers it through the rooms, so an op sent
 * by HTTP is ordered and broadcast exactly like one sent on a socket. Transport-neutral: an adapter
 * turns its server's request into an {@link ApiRequest} (or calls {@link #handle(String, String,
 * String, ApiRequest.Headers, InputStream, long)} with the raw query and body) and writes the
 * {@link ApiResponse} back; an empty answer means the path is not the API's, for the adapter to serve
 * otherwise (static files). An adapter must pass the query: the history call reads its cell from it.
 * A HEAD is answered as its GET, body included so that its length is known: the adapter sends no body.
 * <p>
 * Requests wait for their room's sequencer (at most {@link #WAIT}) on the calling thread; room tasks
 * never block, so the wait is short unless the sheet is overloaded (then 503).
 */
public final class SheetApi {

    /** Largest request body read; longer is 413. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Longest wait for a sheet's sequencer before answering 503. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** The {@code by} of every op applied through HTTP (socket users are {@code u-…}, so it never clashes). */
    public static final String BY = "http";

    private static final Logger LOG = Logger.getLogger(SheetApi.class.getName());
    private static final String RESEND_SAME_ID = "To find out, resend the same op with the same id: one already"
            + " applied is answered with its original applied message and never applied twice";
    private static final String RESEND_SAME_KEY = "To find out, resend the same body with the same Idempotency-Key:"
            + " an edit already applied is answered with its original applied message and never applied twice";
    private static final String NO_SAFE_RESEND = "This request had no Idempotency-Key, so a resend is a new edit and"
            + " may apply it twice: read the sheet before resending, and send an Idempotency-Key to retry safely";
    private static final String LEGACY_PATH = "/input-change";
    private static final String API_PREFIX = "/api/";
    private static final String SHEETS = "/api/sheets";
    private static final Pattern OPS = Pattern.compile("/api/sheets/([^/]+)/ops");
    private static final Pattern HISTORY = Pattern.compile("/api/sheets/([^/]+)/history");
    private static final Pattern ACCESS = Pattern.compile("/api/sheets/([^/]+)/access");
    private static final Pattern ACCESS_ENTRY = Pattern.compile("/api/sheets/([^/]+)/access/([^/]+)");
    private static final Pattern CSV = Pattern.compile("/api/sheets/([^/]+)\\.csv");
    private static final Pattern IMPORT = Pattern.compile("/api/sheets/([^/]+)/import");
    private static final Pattern SHEET = Pattern.compile("/api/sheets/([^/]+)");

    private final RoomRegistry rooms;
    private final Settings settings;
    private final OriginCheck origins;
    private final Authenticator authenticator;
    private final AccessListApi accessLists;
    private final CsvImportApi csvImports;
    private final RateLimits opRates;

    /** An API that identifies callers by {@code settings}' auth mode. */
    public SheetApi(RoomRegistry rooms, Settings settings) {
        this(rooms, settings, new Authenticator(settings.auth()));
    }

    public SheetApi(RoomRegistry rooms, Settings settings, Authenticator authenticator) {
        this.rooms = rooms;
        this.settings = settings;
        this.origins = new OriginCheck(settings.allowedOrigins());
        this.authenticator = authenticator;
        this.accessLists = new AccessListApi(authenticator);
        this.csvImports = new CsvImportApi(rooms, settings);
        this.opRates = new RateLimits(settings.opRate());
    }

    /** Whether the API answers this path (everything under {@code /api/}, and {@code /input-change}). */
    public boolean isApiPath(String path) {
        return path.startsWith(API_PREFIX) || path.equals("/api") || path.equals(LEGACY_PATH);
    }

    /**
     * Answers a request without a query whose body is still a stream; see {@link #handle(String, String,
     * String, ApiRequest.Headers, InputStream, long)}.
     */
    public Optional<ApiResponse> handle(String method, String path, ApiRequest.Headers headers, InputStream body,
                                        long declaredLength) throws IOException {
        return handle(method, path, null, headers, body, declaredLength);
    }

    /**
     * Answers a request whose body is still a stream: reads it (at most {@link #MAX_BODY_BYTES}) only
     * when the path is the API's, as UTF-8 for a POST or PUT; any other method's body means nothing here
     * and is read and dropped. {@code query} is the raw query after the {@code ?} (null or empty for
     * none); {@code declaredLength} is the {@code Content-Length}, or -1.
     */
    public Optional<ApiResponse> handle(String method, String path, String query, ApiRequest.Headers headers,
                                        InputStream body, long declaredLength) throws IOException {
        return handle(method, path, query, headers, body, declaredLength, (String) null);
    }

    /**
     * As {@link #handle(String, String, String, ApiRequest.Headers, InputStream, long)}, from the client
     * at {@code remoteAddress} (the server's {@code getRemoteAddr()}; null when unknown), by which
     * anonymous ops are rate-limited.
     */
    public Optional<ApiResponse> handle(String method, String path, String query, ApiRequest.Headers headers,
                                        InputStream body, long declaredLength, String remoteAddress) throws IOException {
        return handle(method, path, query, headers, body, declaredLength, remoteAddress, null);
    }

    /**
     * As {@link #handle(String, String, String, ApiRequest.Headers, InputStream, long, String)}, for a
     * request whose user the Jakarta EE server authenticated ({@code user}, or null).
     */
    public Optional<ApiResponse> handle(String method, String path, String query, ApiRequest.Headers headers,
                                        InputStream body, long declaredLength, String remoteAddress,
                                        ContainerUser user) throws IOException {
        if (!isApiPath(path)) {
            return Optional.empty();
        }
        try {
            String text = "";
            if (method.equals("POST") || method.equals("PUT")) {
                text = RequestBody.read(body, declaredLength, MAX_BODY_BYTES);
            } else {
                RequestBody.drop(body, declaredLength, MAX_BODY_BYTES);
            }
            return handle(new ApiRequest(method, path, query, headers, text, remoteAddress), user);
        } catch (ApiFailure failure) {
            return Optional.of(failure.response());
        }
    }

    /** The answer to a request, or empty when the path is not the API's. */
    public Optional<ApiResponse> handle(ApiRequest request) {
        return handle(request, null);
    }

    /** The answer to a request whose user the server authenticated ({@code user}, or null). */
    public Optional<ApiResponse> handle(ApiRequest request, ContainerUser user) {
        if (!isApiPath(request.path())) {
            return Optional.empty();
        }
        try {
            return Optional.of(route(request, identify(request, user)));
        } catch (ApiFailure failure) {
            return Optional.of(failure.response());
        } catch (RoomUnavailableException e) {
            return Optional.of(ApiResponse.error(503, "unavailable", e.getMessage()).withHeader("Retry-After", "1"));
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, "HTTP API: the store failed on " + request.method() + " " + request.path(), e);
            return Optional.of(ApiResponse.error(503, "store-unavailable", "the store could not read: " + e.getMessage()));
        } catch (RuntimeException | Error e) { // an Error too: answer, and keep the worker thread
            LOG.log(Level.WARNING, "HTTP API failed on " + request.method() + " " + request.path(), e);
            return Optional.of(ApiResponse.error(500, "internal-error", "the server failed; see its log"));
        }
    }

    private ApiResponse route(ApiRequest request, Identity caller) throws ApiFailure {
        String path = request.path();
        Matcher m;
        if (path.equals(LEGACY_PATH)) {
            requireMethod(request, "POST");
            return inputChange(request, caller);
        } else if (path.equals(SHEETS)) {
            requireMethod(request, "GET");
            return list(caller);
        } else if ((m = OPS.matcher(path)).matches()) {
            requireMethod(request, "POST");
            return op(request, m.group(1), caller);
        } else if ((m = IMPORT.matcher(path)).matches()) {
            requireMethod(request, "POST");
            requireAllowedOrigin(request);
            requireWithinOpRate(request, caller);
            return csvImports.importCsv(request, m.group(1), caller);
        } else if ((m = HISTORY.matcher(path)).matches()) {
            requireMethod(request, "GET");
            return history(request, m.group(1), caller);
        } else if ((m = ACCESS.matcher(path)).matches()) {
            requireMethod(request, "GET");
            return inRoom(m.group(1), room -> accessLists.list(room, caller));
        } else if ((m = ACCESS_ENTRY.matcher(path)).matches()) {
            requireMethod(request, "PUT", "DELETE");
            requireAllowedOrigin(request);
            String user = AccessListApi.userId(m.group(2));
            return inRoom(m.group(1), room -> request.method().equals("PUT")
                    ? accessLists.put(room, caller, user, request.body())
                    : accessLists.remove(room, caller, user));
        } else if ((m = CSV.matcher(path)).matches()) {
            requireMethod(request, "GET");
            boolean raw = QueryParameters.parse(request.query()).flag("raw");
            return sheet(request, m.group(1), caller, s -> new ApiResponse(200,
                    Map.of("Content-Disposition", "attachment; filename=\"" + s.sheet() + ".csv\""),
                    SheetViews.csv(s, raw), ApiResponse.CSV));
        } else if ((m = SHEET.matcher(path)).matches()) {
            requireMethod(request, "GET", "DELETE");
            return request.method().equals("DELETE") ? delete(request, m.group(1), caller)
                    : sheet(request, m.group(1), caller, s -> ApiResponse.json(200, Codec.toJson(SheetViews.json(s))));
        }
        throw ApiFailure.of(404, "not-found", "no API at " + path);
    }

    /**
     * Who is calling: with {@code auth=none} anyone, as {@link #BY}; otherwise the bearer token's user or
     * the server-authenticated one.
     *
     * @throws ApiFailure 401 with {@code WWW-Authenticate} when credentials are missing or refused
     */
    private Identity identify(ApiRequest request, ContainerUser user) throws ApiFailure {
        try {
            return authenticator.identify(request.header("Authorization"), null, user, Identity.anonymous(BY, BY));
        } catch (CredentialsException e) {
            throw new ApiFailure(ApiResponse.error(401, "unauthenticated", e.getMessage())
                    .withHeader("WWW-Authenticate", Challenge.of(authenticator.mode(), e)));
        }
    }

    /**
     * @throws ApiFailure 403 {@code forbidden} unless {@code caller}'s role on the room's sheet is at
     *                    least {@code needed}
     */
    static void requireRole(Room room, Identity caller, Role needed, String action) throws ApiFailure {
        Role role = room.roleOf(caller);
        if (!role.atLeast(needed)) {
            throw ApiFailure.of(403, "forbidden", "user '" + caller.userId() + "' is " + (role == Role.NONE
                    ? "not allowed on" : (role == Role.EDITOR || role == Role.OWNER ? "an " : "a ") + role.wire() + " of")
                    + " sheet '" + room.id() + "'; " + action
                    + " takes the " + needed.wire() + " role");
        }
    }

    /** {@code GET /api/sheets/{id}} and {@code .csv}: the view of a snapshot, or 304 when the client has it. */
    private ApiResponse sheet(ApiRequest request, String id, Identity caller, Function<Snapshot, ApiResponse> view)
            throws ApiFailure {
        Snapshot snapshot = inRoom(id, room -> {
            requireRole(room, caller, Role.VIEWER, "reading it");
            return await(room.snapshot());
        });
        String tag = EntityTags.of(snapshot.incarnation(), snapshot.version());
        ApiResponse response = EntityTags.matches(request.header("If-None-Match"), tag)
                ? new ApiResponse(304, Map.of(), null, null)
                : view.apply(snapshot);
        return response.withHeader("ETag", tag).withHeader("Cache-Control", "no-cache");
    }

    /** {@code GET /api/sheets}: every stored sheet the caller may read (an admin: every one), by id. */
    private ApiResponse list(Identity caller) {
        List<SheetSummary> sheets = rooms.store().list();
        if (!caller.isAdmin()) {
            Map<String, Role> entries = rooms.store().accessOf(caller.userId());
            sheets = sheets.stream()
                    .filter(s -> entries.getOrDefault(s.id(), caller.grants().on(s.id())).canRead())
                    .toList();
        }
        return ApiResponse.json(200, Codec.toJson(AdminViews.list(sheets))).withHeader("Cache-Control", "no-cache");
    }

    /**
     * {@code DELETE /api/sheets/{id}}: closes the sheet's sockets with 4004 and removes it from the store.
     * The room is acquired first, like any request's: that waits for a room of the sheet that is still
     * retiring (its last commits land before the sheet is removed, not after), answers 404 exactly
     * when a GET would, and deletes the room it holds, whose release is then a no-op.
     */
    private ApiResponse delete(ApiRequest request, String id, Identity caller) throws ApiFailure {
        requireAllowedOrigin(request);
        if (!inRoom(id, room -> {
            requireRole(room, caller, Role.OWNER, "deleting it");
            return rooms.delete(id);
        })) {
            throw noSuchSheet(id);
        }
        return new ApiResponse(204, Map.of(), null, null);
    }

    /** {@code GET /api/sheets/{id}/history?row=…&col=…}: the cell's values in the retained op log, oldest first. */
    private ApiResponse history(ApiRequest request, String id, Identity caller) throws ApiFailure {
        QueryParameters query = QueryParameters.parse(request.query());
        String row = requireId(query, "row");
        String col = requireId(query, "col");
        List<LoggedOp> ops = inRoom(id, room -> {
            requireRole(room, caller, Role.VIEWER, "reading its history");
            return rooms.store().history(id, row, col);
        }).stream()
                .sorted(Comparator.comparingLong(LoggedOp::version)).toList();
        return ApiResponse.json(200, Codec.toJson(AdminViews.history(id, row, col, ops)))
                .withHeader("Cache-Control", "no-cache");
    }

    private static String requireId(QueryParameters query, String name) throws ApiFailure {
        String value = query.single(name);
        if (value == null) {
            throw ApiFailure.of(400, "bad-query", "the query needs \"" + name + "\", e.g. ?row=r1&col=c2");
        }
        if (!Ids.isValid(value)) {
            throw ApiFailure.of(400, "bad-query", "\"" + name + "\" must be an id of 1-64 characters [A-Za-z0-9_-]");
        }
        return value;
    }

    /** {@code POST /api/sheets/{id}/ops}: one client op, exactly as on the socket. */
    private ApiResponse op(ApiRequest request, String id, Identity caller) throws ApiFailure {
        requireAllowedOrigin(request);
        requireWithinOpRate(request, caller);
        ClientMessage message = Codec.decode(request.body());
        if (message instanceof ClientMessage.Malformed bad) {
            throw ApiFailure.of(400, "bad-message", bad.problem());
        }
        if (!(message instanceof ClientMessage.OpRequest op)) {
            throw ApiFailure.of(400, "bad-message", "focus and blur are presence, which only a socket has; POST an op");
        }
        Optional<String> key = IdempotencyKey.of(request);
        if (key.isPresent() && !key.get().equals(op.id())) {
            throw ApiFailure.of(400, "bad-header", IdempotencyKey.HEADER + " '" + key.get() + "' is not the op's id '"
                    + op.id() + "'; the op's id is its idempotency key, so leave the header out or make them equal");
        }
        return OpAnswers.of(inRoom(id, room -> {
            requireRole(room, caller, Role.VIEWER, "sending ops");
            return awaitOutcome(room.submit(caller, op.id(), op.toOp()), RESEND_SAME_ID);
        }), false);
    }

    /**
     * {@code POST /input-change}: the seed's edit by row position and column name on the legacy sheet.
     * The position is resolved on a snapshot and the edit submitted after it, without a base: an op
     * that lands in between (a row inserted or deleted above) can make the edit hit the row that was
     * at that position when the snapshot was taken.
     */
    private ApiResponse inputChange(ApiRequest request, Identity caller) throws ApiFailure {
        requireAllowedOrigin(request);
        requireWithinOpRate(request, caller);
        LegacyInputChange change = LegacyInputChange.parse(request.body());
        Optional<String> key = IdempotencyKey.of(request);
        String opId = key.orElseGet(() -> "legacy-" + UUID.randomUUID().toString().replace("-", ""));
        OpResult result = inRoom(settings.legacySheet(), room -> {
            requireRole(room, caller, Role.VIEWER, "sending edits");
            Op.Edit edit = change.resolve(await(room.snapshot()));
            return awaitOutcome(room.submit(caller, opId, edit), key.isPresent() ? RESEND_SAME_KEY : NO_SAFE_RESEND);
        });
        return OpAnswers.of(result, true);
    }

    /**
     * The outcome of a submitted op. A wait that ends without one cannot say "try again": the op may
     * still be applied, so the answer says how to learn its outcome without applying it twice.
     */
    static OpResult awaitOutcome(CompletableFuture<OpResult> submitted, String howToResend) throws ApiFailure {
        try {
            return await(submitted);
        } catch (ApiFailure noOutcome) {
            throw new ApiFailure(ApiResponse.error(503, "outcome-unknown",
                    "the sheet did not answer in time; the op may or may not be applied. " + howToResend)
                    .withHeader("Retry-After", "1"));
        }
    }

    private <T> T inRoom(String sheetId, RoomTask<T> task) throws ApiFailure {
        Room room = rooms.acquire(sheetId, false);
        if (room == null) {
            throw noSuchSheet(sheetId);
        }
        try {
            return task.run(room);
        } finally {
            rooms.release(room);
        }
    }

    static <T> T await(CompletableFuture<T> future) throws ApiFailure {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new ApiFailure(ApiResponse.error(503, "unavailable", "the sheet is too busy to answer; try again")
                    .withHeader("Retry-After", "1"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiFailure.of(503, "unavailable", "the server is stopping");
        }
    }

    private static ApiFailure noSuchSheet(String sheetId) {
        return ApiFailure.of(404, "no-such-sheet", "no sheet '" + sheetId + "'");
    }

    /**
     * Refuses any method but these with 405 and an {@code Allow} header. HEAD is allowed wherever GET is and
     * routed like it: the answer is the GET's, and the adapter sends its headers without the body.
     */
    private static void requireMethod(ApiRequest request, String... methods) throws ApiFailure {
        List<String> allowed = new ArrayList<>(List.of(methods));
        if (allowed.contains("GET")) {
            allowed.add(allowed.indexOf("GET") + 1, "HEAD");
        }
        if (!allowed.contains(request.method())) {
            throw new ApiFailure(ApiResponse.error(405, "method-not-allowed",
                    request.method() + " is not allowed here; use " + String.join(" or ", allowed))
                    .withHeader("Allow", String.join(", ", allowed)));
        }
    }

    /** Refuses state-changing requests from foreign browser pages (cross-site request forgery), as the sockets do. */
    private void requireAllowedOrigin(ApiRequest request) throws ApiFailure {
        String origin = request.header("Origin");
        if (origin != null && !origins.allows(origin.trim(), request.header("Host"))) {
            throw ApiFailure.of(403, "forbidden-origin", "Origin '" + origin + "' is not allowed; add it to"
                    + " livegrid.allowed-origins (LIVEGRID_ALLOWED_ORIGINS) to let pages from there edit.");
        }
    }

    /**
     * Ops over HTTP are limited as a socket's are ({@code op-rate} a second, bursts of twice that), per
     * {@link #rateKey client}; a refused request takes nothing, so a client that waits {@code Retry-After}
     * gets through.
     */
    private void requireWithinOpRate(ApiRequest request, Identity caller) throws ApiFailure {
        String key = rateKey(request, caller);
        Optional<Duration> wait = opRates.tryAcquire(key);
        if (wait.isPresent()) {
            long seconds = wait.get().toSeconds();
            throw new ApiFailure(ApiResponse.error(429, "rate-limited", "more ops than livegrid.op-rate allows from "
                    + key + ": " + settings.opRate() + " a second, bursts of "
                    + 2 * settings.opRate() + "; retry after " + seconds + " s")
                    .withHeader("Retry-After", String.valueOf(seconds)));
        }
    }

    /**
     * Whose budget a request's ops count against: a signed-in caller's own (wherever they connect
     * from); an anonymous one's client address ({@link ClientAddress}: everyone behind one NAT or proxy
     * shares it).
     */
    private static String rateKey(ApiRequest request, Identity caller) {
        return caller.verified() ? "user " + caller.userId() : "address " + ClientAddress.of(request.remoteAddress());
    }

    @FunctionalInterface
    private interface RoomTask<T> {
        T run(Room room) throws ApiFailure;
    }
}
