package dev.livegrid.http;

import dev.livegrid.config.Settings;
import dev.livegrid.guard.OriginCheck;
import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.store.StoreException;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
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
 * ApiRequest.Headers, InputStream, long)} with the raw body) and writes the {@link ApiResponse} back;
 * an empty answer means the path is not the API's, for the adapter to serve otherwise (static files).
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
    private static final String LEGACY_PATH = "/input-change";
    private static final String API_PREFIX = "/api/";
    private static final Pattern OPS = Pattern.compile("/api/sheets/([^/]+)/ops");
    private static final Pattern CSV = Pattern.compile("/api/sheets/([^/]+)\\.csv");
    private static final Pattern SHEET = Pattern.compile("/api/sheets/([^/]+)");

    private final RoomRegistry rooms;
    private final Settings settings;
    private final OriginCheck origins;

    public SheetApi(RoomRegistry rooms, Settings settings) {
        this.rooms = rooms;
        this.settings = settings;
        this.origins = new OriginCheck(settings.allowedOrigins());
    }

    /** Whether the API answers this path (everything under {@code /api/}, and {@code /input-change}). */
    public boolean isApiPath(String path) {
        return path.startsWith(API_PREFIX) || path.equals("/api") || path.equals(LEGACY_PATH);
    }

    /**
     * Answers a request whose body is still a stream: reads it (at most {@link #MAX_BODY_BYTES}, as
     * UTF-8) only when the path is the API's. {@code declaredLength} is the {@code Content-Length}, or -1.
     */
    public Optional<ApiResponse> handle(String method, String path, ApiRequest.Headers headers, InputStream body,
                                        long declaredLength) throws IOException {
        if (!isApiPath(path)) {
            return Optional.empty();
        }
        try {
            return handle(new ApiRequest(method, path, headers, RequestBody.read(body, declaredLength, MAX_BODY_BYTES)));
        } catch (ApiFailure failure) {
            return Optional.of(failure.response());
        }
    }

    /** The answer to a request, or empty when the path is not the API's. */
    public Optional<ApiResponse> handle(ApiRequest request) {
        if (!isApiPath(request.path())) {
            return Optional.empty();
        }
        try {
            return Optional.of(route(request));
        } catch (ApiFailure failure) {
            return Optional.of(failure.response());
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, "HTTP API: the store failed on " + request.method() + " " + request.path(), e);
            return Optional.of(ApiResponse.error(503, "store-unavailable", "the store could not read: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP API failed on " + request.method() + " " + request.path(), e);
            return Optional.of(ApiResponse.error(500, "internal-error", "the server failed; see its log"));
        }
    }

    private ApiResponse route(ApiRequest request) throws ApiFailure {
        String path = request.path();
        Matcher m;
        if (path.equals(LEGACY_PATH)) {
            requireMethod(request, "POST");
            return inputChange(request);
        } else if ((m = OPS.matcher(path)).matches()) {
            requireMethod(request, "POST");
            return op(request, m.group(1));
        } else if ((m = CSV.matcher(path)).matches()) {
            requireMethod(request, "GET");
            return sheet(request, m.group(1), s -> new ApiResponse(200,
                    Map.of("Content-Disposition", "attachment; filename=\"" + s.sheet() + ".csv\""),
                    SheetViews.csv(s), ApiResponse.CSV));
        } else if ((m = SHEET.matcher(path)).matches()) {
            requireMethod(request, "GET");
            return sheet(request, m.group(1), s -> ApiResponse.json(200, Codec.toJson(SheetViews.json(s))));
        }
        throw ApiFailure.of(404, "not-found", "no API at " + path);
    }

    /** {@code GET /api/sheets/{id}} and {@code .csv}: the view of a snapshot, or 304 when the client has it. */
    private ApiResponse sheet(ApiRequest request, String id, Function<Snapshot, ApiResponse> view) throws ApiFailure {
        Snapshot snapshot = inRoom(id, room -> await(room.snapshot()));
        String tag = EntityTags.of(snapshot.version());
        ApiResponse response = EntityTags.matches(request.header("If-None-Match"), tag)
                ? new ApiResponse(304, Map.of(), null, null)
                : view.apply(snapshot);
        return response.withHeader("ETag", tag).withHeader("Cache-Control", "no-cache");
    }

    /** {@code POST /api/sheets/{id}/ops}: one client op, exactly as on the socket. */
    private ApiResponse op(ApiRequest request, String id) throws ApiFailure {
        requireAllowedOrigin(request);
        ClientMessage message = Codec.decode(request.body());
        if (message instanceof ClientMessage.Malformed bad) {
            throw ApiFailure.of(400, "bad-message", bad.problem());
        }
        if (!(message instanceof ClientMessage.OpRequest op)) {
            throw ApiFailure.of(400, "bad-message", "focus and blur are presence, which only a socket has; POST an op");
        }
        return OpAnswers.of(inRoom(id, room -> await(room.submit(BY, op.id(), op.toOp()))), false);
    }

    /**
     * {@code POST /input-change}: the seed's edit by row position and column name on the legacy sheet.
     * The position is resolved on a snapshot and the edit submitted after it, without a base: an op
     * that lands in between (a row inserted or deleted above) can make the edit hit the row that was
     * at that position when the snapshot was taken.
     */
    private ApiResponse inputChange(ApiRequest request) throws ApiFailure {
        requireAllowedOrigin(request);
        LegacyInputChange change = LegacyInputChange.parse(request.body());
        OpResult result = inRoom(settings.legacySheet(), room -> {
            Op.Edit edit = change.resolve(await(room.snapshot()));
            return await(room.submit(BY, "legacy-" + UUID.randomUUID().toString().replace("-", ""), edit));
        });
        return OpAnswers.of(result, true);
    }

    private <T> T inRoom(String sheetId, RoomTask<T> task) throws ApiFailure {
        Room room = rooms.acquire(sheetId, false);
        if (room == null) {
            throw ApiFailure.of(404, "no-such-sheet", "no sheet '" + sheetId + "'");
        }
        try {
            return task.run(room);
        } finally {
            rooms.release(room);
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws ApiFailure {
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

    private static void requireMethod(ApiRequest request, String method) throws ApiFailure {
        if (!request.method().equals(method)) {
            throw new ApiFailure(ApiResponse.error(405, "method-not-allowed",
                    request.method() + " is not allowed here; use " + method).withHeader("Allow", method));
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

    @FunctionalInterface
    private interface RoomTask<T> {
        T run(Room room) throws ApiFailure;
    }
}
