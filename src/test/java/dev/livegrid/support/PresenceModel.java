package dev.livegrid.support;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in a sheet, as one client learns it: the welcome's {@code users}, then each {@code presence}
 * message's changes. The server's messages are exact (each says what changed since the list the
 * client has), so anything a message cannot apply to — a user joining twice unchanged, a move or a
 * leave of someone not listed, a move to where they already are — is recorded as a problem.
 * Not thread-safe: its client guards it.
 */
public final class PresenceModel {

    /** One user: their name and the cell their cursor is on ({@code null} row and col: none). */
    public record User(String id, String name, String row, String col) {
    }

    private final Map<String, User> users = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int entriesReceived;

    /** Starts over from a welcome's list. */
    public void welcome(JsonObject welcome) {
        users.clear();
        for (JsonValue u : welcome.getJsonArray("users")) {
            User user = user(u.asJsonObject());
            entriesReceived++;
            if (users.put(user.id(), user) != null) {
                problems.add("a welcome lists " + user.id() + " twice: " + welcome.getJsonArray("users"));
            }
        }
    }

    /** Applies one presence message: left, then joined, then moved (a message never names a user twice). */
    public void apply(JsonObject presence) {
        if (presence.containsKey("users")) {
            problems.add("a presence message with a whole list: " + presence);
        }
        for (JsonValue id : list(presence, "left")) {
            String userId = ((jakarta.json.JsonString) id).getString();
            if (users.remove(userId) == null) {
                problems.add(userId + " left but was not listed: " + presence);
            }
        }
        for (JsonValue u : list(presence, "joined")) {
            User user = user(u.asJsonObject());
            entriesReceived++;
            User before = users.put(user.id(), user);
            if (before != null && before.name().equals(user.name())) {
                problems.add(user.id() + " joined but was already listed as " + before + ": " + presence);
            }
        }
        for (JsonValue m : list(presence, "moved")) {
            JsonObject moved = m.asJsonObject();
            String userId = moved.getString("id");
            User before = users.get(userId);
            if (before == null || !moved.containsKey("focus")) {
                problems.add("a move of " + userId + " who is not listed, or without a focus: " + presence);
                continue;
            }
            User after = withFocus(before, moved.get("focus"));
            if (after.equals(before)) {
                problems.add(userId + " moved to where they were: " + presence);
            }
            users.put(userId, after);
        }
    }

    /** The users listed now, in the server's order. */
    public Map<String, User> users() {
        return Map.copyOf(users);
    }

    /** Users this client was told about in all: every welcome's and every {@code joined} entry. */
    public int entriesReceived() {
        return entriesReceived;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    private static List<JsonValue> list(JsonObject presence, String field) {
        return presence.containsKey(field) ? presence.getJsonArray(field) : List.of();
    }

    private static User user(JsonObject u) {
        return withFocus(new User(u.getString("id"), u.getString("name"), null, null),
                u.getOrDefault("focus", JsonValue.NULL));
    }

    private static User withFocus(User user, JsonValue focus) {
        if (focus == null || focus.getValueType() == JsonValue.ValueType.NULL) {
            return new User(user.id(), user.name(), null, null);
        }
        JsonObject f = focus.asJsonObject();
        return new User(user.id(), user.name(), f.getString("row"), f.getString("col"));
    }
}
