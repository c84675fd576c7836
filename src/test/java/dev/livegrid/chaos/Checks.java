package dev.livegrid.chaos;

import dev.livegrid.support.TableModel;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The promises, checked against the real server once a step has left the system quiet: after every
 * step the cheap ones (tables equal, versions explained, deleted sheets gone, threads alive, every
 * sheet answering), and now and then — after restarts and at the end — the audit of everything
 * acknowledged.
 */
final class Checks {

    private final World w;

    Checks(World world) {
        this.w = world;
    }

    /** Every promise that can be checked right after a step. */
    void afterStep() {
        String threads = w.server.threadProblem();
        if (threads != null) {
            w.violations.add(Promise.P5_NO_THREAD_DIES, threads);
        }
        Set<String> listed = listed();
        for (String sheet : World.SHEETS) {
            if (w.deleted.contains(sheet)) {
                stillDeleted(sheet, listed);
            } else if (w.existing.contains(sheet)) {
                settle(sheet);
            }
        }
    }

    private Set<String> listed() {
        ChaosHttp.Answer a = w.http.get("/api/sheets");
        Set<String> ids = new HashSet<>();
        if (a == null) {
            return null;
        }
        if (a.status() != 200) {
            w.violations.add(Promise.P5_NO_THREAD_DIES, "GET /api/sheets answered " + a.status() + ": " + a.body());
            return null;
        }
        for (JsonValue s : a.json().getJsonArray("sheets")) {
            ids.add(s.asJsonObject().getString("id"));
        }
        return ids;
    }

    /**
     * P4: a sheet deleted (and not re-created) is 404 and not listed — unless a join its client gave up
     * on created it anew, which shows as a new incarnation, empty, at v0.
     */
    private void stillDeleted(String sheet, Set<String> listed) {
        ChaosHttp.Answer a = w.snapshot(sheet);
        if (a != null && a.status() == 200 && createdByUnsettledJoin(sheet, a)) {
            return;
        }
        if (a != null && a.status() != 404) {
            w.violations.add(Promise.P4_DELETED_STAYS_DELETED, "deleted " + sheet + " answers GET with " + a.status()
                    + (a.status() == 200 ? " (" + whichLife(sheet, a) + ")" : "") + ": " + Ledger.abbreviate(a.body()));
        }
        if (listed != null && listed.contains(sheet)) {
            w.violations.add(Promise.P4_DELETED_STAYS_DELETED, "deleted " + sheet + " is listed by GET /api/sheets");
        }
    }

    /**
     * Whether a join whose client gave up waiting made this snapshot: the server completed it after the
     * DELETE, creating the sheet anew. Then the sheet exists again, in the life the DELETE began.
     */
    private boolean createdByUnsettledJoin(String sheet, ChaosHttp.Answer a) {
        String name = Incarnations.nameIn(a.json());
        boolean fresh = World.table(a).equals(Ledger.emptyTable())
                && (name == null || w.incarnations.keyNamed(sheet, name) == null);
        if (!fresh || !w.shared.unsettledJoins().remove(sheet)) {
            return false;
        }
        w.log.note(sheet + " exists again, empty: created by a join its client gave up on");
        w.deleted.remove(sheet);
        w.existing.add(sheet);
        w.incarnations.keyOfCurrent(sheet, name, "GET " + sheet);
        return true;
    }

    /** Which life of the sheet a snapshot shows, for a report: a deleted one, or a new one and who could have made it. */
    private String whichLife(String sheet, ChaosHttp.Answer a) {
        JsonObject body = a.json();
        String name = Incarnations.nameIn(body);
        String key = name == null ? null : w.incarnations.keyNamed(sheet, name);
        return "v" + body.getJsonNumber("version").longValue() + " of "
                + (key != null ? "its deleted life " + key + " (" + name + ")" : "a new incarnation " + name)
                + (w.shared.unsettledJoins().contains(sheet) ? "; a join of it was given up on" : "; no join of it is unsettled");
    }

    /**
     * P1 and P2: every client reading the sheet reaches the snapshot's version within a deadline, has
     * exactly the snapshot's table, and its connection received or was told it skipped every version.
     */
    private void settle(String sheet) {
        ChaosHttp.Answer a = w.snapshot(sheet);
        if (a == null) {
            return;
        }
        if (a.status() == 404) {
            vanished(sheet);
            return;
        }
        if (a.status() != 200) {
            w.violations.add(Promise.P5_NO_THREAD_DIES, sheet + " does not answer a probe: GET " + a.status() + " "
                    + Ledger.abbreviate(a.body()));
            return;
        }
        JsonObject body = a.json();
        TableModel snapshot = TableModel.fromWelcome(body);
        String key = w.incarnations.keyOfCurrent(sheet, Incarnations.nameIn(body), "GET " + sheet);
        Incarnations.Tag tag = Incarnations.parseEtag(a.etag());
        if (tag == null || tag.version() != snapshot.version()
                || tag.incarnation() != null && !tag.incarnation().equals(w.incarnations.nameOf(key))) {
            w.violations.add(Promise.P1_SAME_TABLE, "GET " + sheet + ": ETag " + a.etag() + " does not name v"
                    + snapshot.version() + " of " + key + " (" + w.incarnations.nameOf(key) + ")");
        }
        for (ChaosClient c : w.clientsOf(sheet, World::reading)) {
            if (!c.awaitVersion(snapshot.version(), World.SETTLE_DEADLINE)) {
                if (c.state() == ChaosClient.State.OPEN && !c.paused()) {
                    w.violations.add(Promise.P1_SAME_TABLE, c + " did not reach v" + snapshot.version() + " of " + sheet
                            + " within " + World.SETTLE_DEADLINE);
                }
                continue;
            }
            TableModel mine = c.table();
            if (!mine.equals(snapshot)) {
                w.violations.add(Promise.P1_SAME_TABLE, c + " (" + c.key() + ") differs from GET " + sheet + " ("
                        + key + "): " + mine.firstDifference(snapshot));
            }
            Connection connection = c.connection();
            long hole;
            synchronized (c) {
                hole = connection.firstHoleUpTo(snapshot.version());
            }
            if (hole >= 0) {
                w.violations.add(Promise.P2_VERSIONS, c + " never received v" + hole + " of " + sheet
                        + " on its connection (from v" + connection.start + ") and no message said it was skipped");
            }
        }
    }

    /** A sheet the test did not delete is gone: a broken promise if anything of it was acknowledged. */
    private void vanished(String sheet) {
        String key = w.incarnations.currentKey(sheet);
        long acked = w.ledger.maxAcked(key);
        if (acked > 0) {
            w.violations.add(Promise.P3_NOTHING_LOST, sheet + " is gone (404) though v" + acked + " of it was acknowledged");
            return;
        }
        w.log.note(sheet + " is gone without a DELETE (created, never written): it starts a new life");
        w.existing.remove(sheet);
        w.incarnations.nextLife(sheet);
    }

    /**
     * P3: each existing sheet holds every acknowledged op — its version is not behind the last one,
     * it equals what the ops seen from v1 make of an empty sheet (when every version was seen), and
     * the store's history of a few recently acknowledged edits lists them.
     */
    void audit(Random r) {
        for (String sheet : World.SHEETS) {
            if (!w.existing.contains(sheet)) {
                continue;
            }
            ChaosHttp.Answer a = w.snapshot(sheet);
            if (a == null || a.status() != 200) {
                continue; // reported by the step checks
            }
            TableModel now = World.table(a);
            String key = w.incarnations.currentKey(sheet);
            long acked = w.ledger.maxAcked(key);
            if (acked > now.version()) {
                w.violations.add(Promise.P3_NOTHING_LOST, sheet + " is at v" + now.version() + " but v" + acked
                        + " of it was acknowledged");
                continue;
            }
            try {
                TableModel derived = w.ledger.replay(key, now.version());
                if (derived != null && !derived.equals(now)) {
                    w.violations.add(Promise.P3_NOTHING_LOST, sheet + " is not what its ops v1..v" + now.version()
                            + " make: " + derived.firstDifference(now));
                }
                w.log.note("audit " + key + " at v" + now.version() + ": " + (derived == null
                        ? "not every version was seen, replay skipped" : "equals the replay of every op"));
            } catch (RuntimeException e) {
                w.violations.add(Promise.P3_NOTHING_LOST, "the ops seen of " + key + " do not replay: " + e.getMessage());
            }
            history(sheet, key, now, r);
        }
    }

    private void history(String sheet, String key, TableModel now, Random r) {
        List<Map.Entry<Long, JsonObject>> edits = w.ledger.acked(key).stream()
                .filter(e -> "edit".equals(e.getValue().getJsonObject("op").getString("type")))
                .filter(e -> now.version() - e.getKey() < w.server.smallestOpWindow() / 2)
                .toList();
        for (int i = 0; i < 3 && !edits.isEmpty(); i++) {
            Map.Entry<Long, JsonObject> e = edits.get(r.nextInt(edits.size()));
            JsonObject op = e.getValue().getJsonObject("op");
            ChaosHttp.Answer a = w.http.get("/api/sheets/" + sheet + "/history?row=" + op.getString("row") + "&col="
                    + op.getString("col"));
            if (a == null || a.status() != 200) {
                if (a != null) {
                    w.violations.add(Promise.P5_NO_THREAD_DIES, "history of " + sheet + " answered " + a.status());
                }
                continue;
            }
            boolean listed = a.json().getJsonArray("history").stream().map(JsonValue::asJsonObject)
                    .anyMatch(h -> h.getJsonNumber("version").longValueExact() == e.getKey()
                            && java.util.Objects.equals(valueOf(h), valueOf(op)));
            if (!listed) {
                w.violations.add(Promise.P3_NOTHING_LOST, "the history of " + sheet + " " + op.getString("row") + "/"
                        + op.getString("col") + " lacks acknowledged v" + e.getKey() + " " + Ledger.abbreviate(op) + ": "
                        + Ledger.abbreviate(a.body()));
            }
        }
    }

    private static String valueOf(JsonObject o) {
        return !o.containsKey("value") || o.isNull("value") ? null : o.getString("value");
    }
}
