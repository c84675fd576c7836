package dev.livegrid.http;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.Identity;
import dev.livegrid.access.Role;
import dev.livegrid.access.TokenVerifier;
import dev.livegrid.protocol.Codec;
import dev.livegrid.room.AccessResult;
import dev.livegrid.room.Room;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sheet's access list over HTTP, for its owners and admins: {@code GET …/access} lists it,
 * {@code PUT …/access/{userId}} with {@code {"role":"none|viewer|editor|owner"}} sets an entry,
 * {@code DELETE …/access/{userId}} removes one. A change is answered once it is durable and has
 * reached the user's open connections.
 */
final class AccessListApi {

    /** The body of {@code GET …/access}. */
    @JsonbPropertyOrder({"sheet", "entries"})
    public record AccessList(String sheet, List<Entry> entries) {
    }

    @JsonbPropertyOrder({"user", "role"})
    public record Entry(String user, String role) {
    }

    private final Authenticator authenticator;

    AccessListApi(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    ApiResponse list(Room room, Identity caller) throws ApiFailure {
        requireAccessControl();
        SheetApi.requireRole(room, caller, Role.OWNER, "reading its access list");
        List<Entry> entries = new TreeMap<>(room.accessList()).entrySet().stream()
                .map(e -> new Entry(e.getKey(), e.getValue().wire())).toList();
        return ApiResponse.json(200, Codec.toJson(new AccessList(room.id(), entries))).withHeader("Cache-Control", "no-cache");
    }

    ApiResponse put(Room room, Identity caller, String user, String body) throws ApiFailure {
        requireAccessControl();
        SheetApi.requireRole(room, caller, Role.OWNER, "changing its access list");
        Role role = roleOf(body);
        answer(SheetApi.await(room.changeAccess(caller, user, role)), room);
        return ApiResponse.json(200, Codec.toJson(new Entry(user, role.wire())));
    }

    ApiResponse remove(Room room, Identity caller, String user) throws ApiFailure {
        requireAccessControl();
        SheetApi.requireRole(room, caller, Role.OWNER, "changing its access list");
        answer(SheetApi.await(room.changeAccess(caller, user, null)), room);
        return new ApiResponse(204, Map.of(), null, null);
    }

    /** The user id of a path segment: percent-decoded, 1-128 characters without control characters. */
    static String userId(String segment) throws ApiFailure {
        String user;
        try {
            user = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiFailure.of(400, "bad-path", "the user id has a malformed percent escape");
        }
        if (user.isEmpty() || user.length() > TokenVerifier.MAX_SUBJECT_LENGTH
                || user.chars().anyMatch(Character::isISOControl)) {
            throw ApiFailure.of(400, "bad-path", "a user id is 1-" + TokenVerifier.MAX_SUBJECT_LENGTH
                    + " characters without control characters (percent-encoded in the path)");
        }
        return user;
    }

    private void requireAccessControl() throws ApiFailure {
        if (!authenticator.enabled()) {
            throw ApiFailure.of(409, "auth-off", "access lists apply only when callers are identified: set"
                    + " livegrid.auth (LIVEGRID_AUTH) to token or container; with none anyone may do anything");
        }
    }

    private static Role roleOf(String body) throws ApiFailure {
        JsonValue role;
        try (var reader = Json.createReader(new StringReader(body))) {
            JsonObject object = reader.readObject();
            role = object.get("role");
        } catch (RuntimeException e) { // not JSON, or not an object
            throw ApiFailure.of(400, "bad-body", "send {\"role\":\"none|viewer|editor|owner\"}");
        }
        if (!(role instanceof JsonString text)) {
            throw ApiFailure.of(400, "bad-body", "send {\"role\":\"none|viewer|editor|owner\"}");
        }
        try {
            return Role.parse(text.getString());
        } catch (IllegalArgumentException e) {
            throw ApiFailure.of(400, "bad-body", e.getMessage());
        }
    }

    private static void answer(AccessResult result, Room room) throws ApiFailure {
        switch (result) {
            case DONE -> {
            }
            case FORBIDDEN -> throw ApiFailure.of(403, "forbidden", "only an owner of sheet '" + room.id()
                    + "' (or an admin) may change its access list");
            case NO_SUCH_SHEET -> throw ApiFailure.of(404, "no-such-sheet", "no sheet '" + room.id() + "'");
            case STORE_UNAVAILABLE -> throw ApiFailure.of(503, "store-unavailable",
                    "the store could not commit the change; nothing changed");
            case BUSY -> throw new ApiFailure(ApiResponse.error(503, "unavailable", "the sheet is too busy; try again")
                    .withHeader("Retry-After", "1"));
        }
    }
}
