package dev.livegrid.chaos;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place that knows how a sheet's identity and versions are spelled on the wire, and which
 * life ("incarnation") of a sheet a version belongs to.
 * <p>
 * The test counts the lives of every sheet id itself: a {@code DELETE} answered 204 (or a sheet that
 * vanished without one) starts the next. Versions are compared within one life only, under the key
 * {@code id#life}. When the server names its incarnations ({@code "incarnation"} in the welcome and
 * the snapshot, {@code ETag: "<incarnation>.<version>"}, {@code ?since=V&incarnation=X} on resume),
 * each life learns its name, and a name that changes without a delete, or an old one that comes back,
 * is reported. Without names the test's own count is the truth.
 */
final class Incarnations {

    /** A sheet version and, when the server says so, the incarnation it belongs to. */
    record Tag(String incarnation, long version) {
    }

    private final Violations violations;
    private final Map<String, Integer> lives = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();

    Incarnations(Violations violations) {
        this.violations = violations;
    }

    /** The ledger key of the sheet's current life. */
    synchronized String currentKey(String sheet) {
        return sheet + "#" + lives.getOrDefault(sheet, 0);
    }

    /** The sheet was deleted (or vanished): what comes next under its id is another sheet. */
    synchronized void nextLife(String sheet) {
        lives.merge(sheet, 1, Integer::sum);
    }

    /** The server's name of the life under {@code key}, or null while unknown. */
    synchronized String nameOf(String key) {
        return names.get(key);
    }

    /**
     * The key of the life a full welcome or a snapshot shows now, learning the server's name of it
     * ({@code name} null: the server does not name incarnations).
     */
    synchronized String keyOfCurrent(String sheet, String name, String where) {
        String key = currentKey(sheet);
        if (name == null) {
            return key;
        }
        String known = names.get(key);
        if (known == null) {
            names.forEach((otherKey, otherName) -> {
                if (otherName.equals(name) && otherKey.startsWith(sheet + "#")) {
                    violations.add(Promise.P4_DELETED_STAYS_DELETED, where + ": incarnation " + name + " of " + otherKey
                            + ", which was deleted, is back as " + key);
                }
            });
            names.put(key, name);
        } else if (!known.equals(name)) {
            violations.add(Promise.P2_VERSIONS, where + ": " + key + " was incarnation " + known + " and is now " + name
                    + " without a delete");
        }
        return key;
    }

    /** The key of the sheet's life the server named {@code name}, or null if no life of it had that name. */
    synchronized String keyNamed(String sheet, String name) {
        return names.entrySet().stream().filter(e -> e.getValue().equals(name) && e.getKey().startsWith(sheet + "#"))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The incarnation a welcome or a snapshot body names, or null. */
    static String nameIn(JsonObject message) {
        JsonValue v = message.get("incarnation");
        return v != null && v.getValueType() == JsonValue.ValueType.STRING ? message.getString("incarnation") : null;
    }

    /** Whether a welcome is a resume (the ops after {@code since} follow) rather than the whole sheet. */
    static boolean isResume(JsonObject welcome) {
        return welcome.containsKey("since") && !welcome.isNull("since");
    }

    /** The query that asks to resume after {@code since} of the life named {@code name} (null: unnamed). */
    static String resumeQuery(long since, String name) {
        String query = "&since=" + since;
        return name == null ? query : query + "&incarnation=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** An ETag as version ({@code "7"}) or incarnation and version ({@code "x1.7"}); null if neither. */
    static Tag parseEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String t = etag.startsWith("W/") ? etag.substring(2) : etag;
        if (t.length() < 2 || t.charAt(0) != '"' || t.charAt(t.length() - 1) != '"') {
            return null;
        }
        t = t.substring(1, t.length() - 1);
        int dot = t.lastIndexOf('.');
        try {
            return dot < 0 ? new Tag(null, Long.parseLong(t))
                    : new Tag(t.substring(0, dot), Long.parseLong(t.substring(dot + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
