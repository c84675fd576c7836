package dev.livegrid.chaos;

import dev.livegrid.support.TableModel;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Every {@code applied} message anyone saw, by sheet life and version, and which of them were
 * acknowledged to their author. A version is one op for the whole life of a sheet (restarts
 * included): the same version with other content is a broken promise. The acknowledged ones are what
 * must never be lost.
 */
final class Ledger {

    private final Map<String, NavigableMap<Long, JsonObject>> seen = new HashMap<>();
    private final Map<String, NavigableMap<Long, JsonObject>> acked = new HashMap<>();

    /** What identifies an applied op: the message without {@code skipped}, which differs per reader. */
    static JsonObject content(JsonObject applied) {
        if (!applied.containsKey("skipped")) {
            return applied;
        }
        JsonObjectBuilder b = Json.createObjectBuilder(applied);
        b.remove("skipped");
        return b.build();
    }

    /** Records that someone saw {@code content} as {@code version} of {@code key}; a conflict's description, else null. */
    synchronized String saw(String key, long version, JsonObject content) {
        JsonObject before = seen.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(version, content);
        if (before == null || before.equals(content)) {
            return null;
        }
        return key + " v" + version + " was " + abbreviate(before) + " and is now " + abbreviate(content);
    }

    /** Records an acknowledgement (socket ack or HTTP 200); a conflict's description, else null. */
    synchronized String ack(String key, long version, JsonObject content) {
        String conflict = saw(key, version, content);
        acked.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(version, content);
        return conflict;
    }

    synchronized long maxAcked(String key) {
        NavigableMap<Long, JsonObject> mine = acked.get(key);
        return mine == null || mine.isEmpty() ? 0 : mine.lastKey();
    }

    /** Acknowledged ops of the life, oldest first. */
    synchronized List<Map.Entry<Long, JsonObject>> acked(String key) {
        NavigableMap<Long, JsonObject> mine = acked.get(key);
        return mine == null ? List.of() : new ArrayList<>(mine.entrySet());
    }

    /** What was seen as this version of the life, or null. */
    synchronized JsonObject seenAt(String key, long version) {
        NavigableMap<Long, JsonObject> mine = seen.get(key);
        return mine == null ? null : mine.get(version);
    }

    /**
     * The table that every op seen from 1 to {@code version} makes of an empty sheet, or null when
     * some version in between was seen by no one (it cannot be re-derived then).
     */
    synchronized TableModel replay(String key, long version) {
        NavigableMap<Long, JsonObject> mine = seen.getOrDefault(key, new TreeMap<>());
        TableModel table = emptyTable();
        for (long v = 1; v <= version; v++) {
            JsonObject applied = mine.get(v);
            if (applied == null) {
                return null;
            }
            table.apply(applied.getJsonObject("op"), v);
        }
        return table;
    }

    /** A sheet as created by a join of a new id: version 0, no columns, no rows. */
    static TableModel emptyTable() {
        return TableModel.fromWelcome(Json.createObjectBuilder().add("version", 0)
                .add("columns", Json.createArrayBuilder()).add("rows", Json.createArrayBuilder()).build());
    }

    static String abbreviate(Object o) {
        String text = String.valueOf(o);
        return text.length() <= 240 ? text : text.substring(0, 240) + "…(" + text.length() + " chars)";
    }
}
