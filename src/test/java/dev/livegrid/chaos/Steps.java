package dev.livegrid.chaos;

import dev.livegrid.config.Setting;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TableModel;
import dev.livegrid.support.WriteLock;
import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What each kind of step does. Every choice inside a step comes from the step's own {@link Random}
 * (seeded by the run's seed and the step number); every wait is bounded by a deadline, and a step
 * leaves the system quiet (every op answered) for the checks that follow.
 */
final class Steps {

    private final World w;

    Steps(World world) {
        this.w = world;
    }

    void run(StepKind kind, Random r) throws Exception {
        switch (kind) {
            case JOIN -> join(r);
            case LEAVE -> leave(r);
            case RESUME -> resume(r);
            case OPS -> ops(r);
            case BURST -> burst(r);
            case HTTP_OPS -> httpOps(r);
            case RESEND -> resend(r);
            case PAUSE -> pause(r);
            case UNPAUSE -> unpause(r);
            case FLOOD -> flood(r);
            case DELETE -> delete(r);
            case DELETE_AT_SNAPSHOT -> deleteAtSnapshot(r);
            case RESUME_ACROSS_DELETE -> resumeAcrossDelete(r);
            case STORE_FAILURE -> storeFailure(r);
            case RESTART -> restart(r);
        }
    }

    private OpFactory factory(Random r) {
        return new OpFactory(r, w.config.generates("lone-surrogates"));
    }

    // ---- joining and leaving ----

    private void join(Random r) {
        w.prune(r);
        String sheet = World.SHEETS.get(r.nextInt(World.SHEETS.size()));
        ChaosClient c = w.newClient(sheet, r);
        w.log.note("join " + c + " (key " + c.clientKey + ")");
        connect(c, true, false);
    }

    /** Connects (a join of a sheet that does not exist creates it: its welcome must show it empty). */
    private boolean connect(ChaosClient c, boolean fresh, boolean useResumePoint) {
        boolean creates = !w.existing.contains(c.sheet);
        if (!c.connect(w.server::webSocketUri, fresh, useResumePoint)) {
            return false;
        }
        Connection connection = c.connection();
        if (creates && connection.since == null) {
            TableModel table = c.table();
            if (!table.equals(Ledger.emptyTable())) {
                w.violations.add(Promise.P4_DELETED_STAYS_DELETED, c + " created " + c.sheet + (w.deleted.contains(c.sheet)
                        ? " after its DELETE" : "") + " but its welcome is not an empty sheet at v0: " + Ledger.abbreviate(table));
            }
        }
        w.deleted.remove(c.sheet);
        w.existing.add(c.sheet);
        w.log.note(c + " welcomed" + (connection.since == null ? "" : " (asked since=" + connection.since + ")")
                + " as " + c.key());
        return true;
    }

    private void leave(Random r) {
        ChaosClient c = w.pick(r, World::reading);
        if (c == null) {
            w.log.note("nobody to leave");
            return;
        }
        boolean abort = r.nextInt(3) == 0;
        w.log.note(c + (abort ? " drops its connection" : " leaves"));
        c.leave(abort, "left");
    }

    private void resume(Random r) {
        // Half the time prefer a client of a sheet's earlier life: resuming across a delete is a trap.
        ChaosClient c = r.nextBoolean() ? w.pick(r, x -> x.state() == ChaosClient.State.OFFLINE && x.key() != null
                && !x.key().equals(w.incarnations.currentKey(x.sheet))) : null;
        if (c == null) {
            c = w.pick(r, x -> x.state() == ChaosClient.State.OFFLINE);
        }
        if (c == null) {
            w.log.note("nobody to resume");
            return;
        }
        reconnect(c, r.nextBoolean());
    }

    private void reconnect(ChaosClient c, boolean useResumePoint) {
        w.log.note("resume " + c + " of " + c.key() + " (current " + w.incarnations.currentKey(c.sheet) + ")");
        if (connect(c, false, useResumePoint)) {
            c.resendUnknown();
            c.awaitAnswers(World.ANSWER_DEADLINE);
        }
    }

    // ---- ops ----

    private void ops(Random r) {
        ChaosClient c = w.pick(r, World::reading);
        if (c == null) {
            w.log.note("nobody to send ops");
            return;
        }
        OpFactory f = factory(r);
        TableModel t = c.table();
        int n = 1 + r.nextInt(8);
        w.log.note(c + " sends " + n + " ops");
        for (int i = 0; i < n; i++) {
            String id = c.nextOpId();
            String frame = f.any(id, t, w.server.limits());
            w.log.note("  " + Ledger.abbreviate(frame).substring(0, Math.min(160, Ledger.abbreviate(frame).length())));
            if (!c.send(id, frame)) {
                break;
            }
        }
        c.awaitAnswers(World.ANSWER_DEADLINE);
        w.log.note(c + " rejections so far: " + c.rejectionSummary());
    }

    private void burst(Random r) throws Exception {
        List<ChaosClient> senders = new ArrayList<>();
        for (int i = 0, n = 2 + r.nextInt(3); i < n; i++) {
            ChaosClient c = w.pick(r, x -> World.reading(x) && !senders.contains(x));
            if (c != null) {
                senders.add(c);
            }
        }
        if (senders.isEmpty()) {
            w.log.note("nobody to send a burst");
            return;
        }
        List<Future<?>> running = new ArrayList<>();
        for (ChaosClient c : senders) {
            long seed = r.nextLong();
            int n = 5 + r.nextInt(26);
            w.log.note(c + " sends a burst of " + n + " ops (seed " + seed + ")");
            c.flooding(); // ops ahead of their acks: a 1013 for the slow reader may race its next send
            running.add(w.burst.submit(() -> {
                OpFactory f = new OpFactory(new Random(seed), w.config.generates("lone-surrogates"));
                TableModel t = c.table();
                for (int i = 0; i < n; i++) {
                    String id = c.nextOpId();
                    if (!c.send(id, f.any(id, t, w.server.limits()))) {
                        return;
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        senders.forEach(c -> c.awaitAnswers(World.ANSWER_DEADLINE));
    }

    private void httpOps(Random r) {
        String sheet = someExisting(r);
        if (sheet == null) {
            return;
        }
        ChaosHttp.Answer snapshot = w.snapshot(sheet);
        if (snapshot == null || snapshot.status() != 200) {
            w.log.note("GET " + sheet + ": " + (snapshot == null ? "no answer" : snapshot.status()));
            return;
        }
        TableModel t = World.table(snapshot);
        OpFactory f = factory(r);
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String frame = f.any(w.nextHttpOpId(), t, w.server.limits());
            ChaosHttp.Answer a = w.http.post("/api/sheets/" + sheet + "/ops", frame);
            if (a == null) {
                continue;
            }
            w.log.note("POST " + Ledger.abbreviate(frame).substring(0, Math.min(120, Ledger.abbreviate(frame).length()))
                    + " → " + a.status());
            if (a.status() == 200) {
                JsonObject applied = a.json();
                long v = applied.getJsonNumber("version").longValueExact();
                String key = w.incarnations.currentKey(sheet);
                String conflict = w.ledger.ack(key, v, Ledger.content(applied));
                if (conflict != null) {
                    w.violations.add(Promise.P2_VERSIONS, "HTTP ack of " + sheet + " reuses a version: " + conflict);
                }
                w.httpAcks.add(new World.HttpAck(sheet, key, frame, v));
                if (v > t.version()) {
                    try {
                        t.apply(applied.getJsonObject("op"), v);
                    } catch (RuntimeException e) {
                        t = refreshed(sheet, t);
                    }
                }
            }
        }
    }

    private TableModel refreshed(String sheet, TableModel fallback) {
        ChaosHttp.Answer a = w.snapshot(sheet);
        return a != null && a.status() == 200 ? World.table(a) : fallback;
    }

    private void resend(Random r) {
        if (r.nextBoolean() && !w.httpAcks.isEmpty()) {
            World.HttpAck ack = w.httpAcks.get(w.httpAcks.size() - 1 - r.nextInt(Math.min(w.httpAcks.size(), 30)));
            if (!ack.key().equals(w.incarnations.currentKey(ack.sheet())) || !w.existing.contains(ack.sheet())) {
                w.log.note("no HTTP op of a current sheet to resend");
                return;
            }
            ChaosHttp.Answer now = w.snapshot(ack.sheet());
            ChaosHttp.Answer again = w.http.post("/api/sheets/" + ack.sheet() + "/ops", ack.frame());
            if (now == null || again == null || now.status() != 200) {
                return;
            }
            long distance = World.table(now).version() - ack.version();
            w.log.note("resend over HTTP of v" + ack.version() + " (" + distance + " versions ago) → " + again.status()
                    + " " + Ledger.abbreviate(again.body()));
            if (distance < w.server.smallestOpWindow() / 2) {
                if (again.status() != 200) {
                    w.violations.add(Promise.P3_NOTHING_LOST, "the resend of " + ack.frame() + ", applied as v"
                            + ack.version() + ", was answered " + again.status() + " " + again.body());
                } else if (again.json().getJsonNumber("version").longValueExact() != ack.version()) {
                    w.violations.add(Promise.P3_NOTHING_LOST, "the resend of " + ack.frame() + ", applied as v"
                            + ack.version() + ", was applied again: " + again.body());
                }
            }
            return;
        }
        ChaosClient c = w.pick(r, x -> World.reading(x) && x.someAcked(new Random(0)) != null);
        if (c == null) {
            w.log.note("no acknowledged op to resend");
            return;
        }
        OpRecord op = c.someAcked(r);
        w.log.note(c + " resends " + op.id + " (applied as v" + op.ackedVersion + ")");
        c.resend(op);
        c.awaitAnswers(World.ANSWER_DEADLINE);
    }

    // ---- slow readers ----

    private void pause(Random r) {
        if (w.clients.stream().filter(ChaosClient::paused).count() >= 3) {
            w.log.note("enough readers paused");
            return;
        }
        ChaosClient c = w.pick(r, World::reading);
        if (c != null) {
            w.log.note(c + " stops reading");
            c.pause();
        }
    }

    private void unpause(Random r) {
        ChaosClient c = w.pick(r, ChaosClient::paused);
        if (c == null) {
            w.log.note("nobody paused");
            return;
        }
        w.log.note(c + " reads again");
        c.unpause();
        ChaosHttp.Answer now = w.snapshot(c.sheet);
        long target = now != null && now.status() == 200 ? World.table(now).version() : 0;
        Deadline.await(() -> c.state() != ChaosClient.State.OPEN || c.version() >= target, Duration.ofSeconds(15));
        if (c.state() == ChaosClient.State.OFFLINE) {
            reconnect(c, r.nextBoolean());
        }
    }

    private void flood(Random r) throws Exception {
        ChaosClient writer = w.pick(r, x -> World.reading(x) && w.existing.contains(x.sheet));
        if (writer == null) {
            w.log.note("nobody to flood");
            return;
        }
        ChaosClient slow = null;
        if (w.config.generates("slow-readers") && r.nextInt(10) < 7) {
            slow = w.pick(r, x -> World.reading(x) && x != writer && x.sheet.equals(writer.sheet));
            if (slow != null) {
                w.log.note(slow + " stops reading before the flood");
                slow.pause();
            }
        }
        List<String[]> cells = cellsOf(writer, r, 1 + r.nextInt(3));
        if (cells.isEmpty()) {
            return;
        }
        boolean someonePaused = w.clientsOf(writer.sheet, ChaosClient::paused).size() > 0;
        // Loopback sockets buffer megabytes before a paused reader's outbox fills: send that much.
        int n = someonePaused ? 300 + r.nextInt(400) : 100 + r.nextInt(300);
        int length = Math.min(w.server.limits().maxValueLength(), someonePaused ? 2000 + r.nextInt(4000) : 200 + r.nextInt(2800));
        w.log.note(writer + " floods " + n + " edits of " + length + " chars over " + cells.size() + " cells, one op in"
                + " ten of another kind" + (someonePaused ? " (a reader of the sheet is paused)" : ""));
        OpFactory f = factory(r);
        TableModel view = writer.table();
        writer.flooding();
        stream(writer, n, 64, i -> {
            String id = writer.nextOpId();
            if (r.nextInt(10) == 0) { // other ops between the edits that may be merged for a slow reader
                return new String[] {id, f.any(id, view, w.server.limits())};
            }
            String[] cell = cells.get(r.nextInt(cells.size()));
            return new String[] {id, f.bigEdit(id, cell[0], cell[1], length)};
        }, null);
        writer.awaitAnswers(World.ANSWER_DEADLINE);
        if (slow != null && r.nextBoolean()) {
            // Reading again at once, it gets what its outbox merged while under pressure (if not closed yet).
            ChaosClient reader = slow;
            long target = writer.version();
            w.log.note(reader + " reads again right after the flood");
            reader.unpause();
            Deadline.await(() -> reader.state() != ChaosClient.State.OPEN || reader.version() >= target, Duration.ofSeconds(15));
        }
    }

    /** Cells (row, column) of the writer's sheet, adding a column and a row first if it has none. */
    private List<String[]> cellsOf(ChaosClient writer, Random r, int count) {
        TableModel t = writer.table();
        if (t.columnIds().isEmpty()) {
            String id = writer.nextOpId();
            writer.send(id, SheetOps.addColumn(id, "flood", null));
        }
        if (t.rowIds().isEmpty()) {
            writer.awaitAnswers(World.ANSWER_DEADLINE);
            String id = writer.nextOpId();
            writer.send(id, SheetOps.insertRow(id, null, Map.of()));
        }
        writer.awaitAnswers(World.ANSWER_DEADLINE);
        t = writer.table();
        List<String[]> cells = new ArrayList<>();
        if (t == null || t.rowIds().isEmpty() || t.columnIds().isEmpty()) {
            w.log.note("no cell to write in " + writer);
            return cells;
        }
        for (int i = 0; i < count; i++) {
            cells.add(new String[] {t.rowIds().get(r.nextInt(t.rowIds().size())),
                    t.columnIds().get(r.nextInt(t.columnIds().size()))});
        }
        return cells;
    }

    /**
     * Sends {@code n} ops made by {@code next} with at most {@code window} unanswered, stopping early
     * when {@code stop} becomes true or the connection ends.
     */
    private static void stream(ChaosClient c, int n, int window, java.util.function.IntFunction<String[]> next,
                               AtomicBoolean stop) {
        for (int i = 0; i < n && (stop == null || !stop.get()); i++) {
            if (!Deadline.await(() -> c.unansweredCount() < window || stop != null && stop.get(), World.ANSWER_DEADLINE)) {
                return; // reported by the awaitAnswers that follows
            }
            String[] op = next.apply(i);
            if (!c.send(op[0], op[1])) {
                return;
            }
        }
    }

    // ---- deleting ----

    private String someExisting(Random r) {
        List<String> sheets = World.SHEETS.stream().filter(w.existing::contains).toList();
        if (sheets.isEmpty()) {
            w.log.note("no sheet exists");
            return null;
        }
        return sheets.get(r.nextInt(sheets.size()));
    }

    private void delete(Random r) {
        String sheet = someExisting(r);
        if (sheet != null) {
            deleteSheet(sheet);
        }
    }

    /** DELETE, then every client of the sheet must be closed (4004); the sheet begins its next life. */
    private boolean deleteSheet(String sheet) {
        w.expectEnds(c -> c.sheet.equals(sheet), "deleted");
        ChaosHttp.Answer a = w.http.delete("/api/sheets/" + sheet);
        w.log.note("DELETE " + sheet + " → " + (a == null ? "no answer" : a.status()));
        if (a == null || a.status() != 204) {
            w.clients.stream().filter(c -> c.sheet.equals(sheet)).forEach(c -> c.expectEnd(null));
            return false;
        }
        w.incarnations.nextLife(sheet);
        w.existing.remove(sheet);
        w.deleted.add(sheet);
        List<ChaosClient> on = w.clientsOf(sheet, c -> c.state() == ChaosClient.State.OPEN);
        on.forEach(ChaosClient::unpause); // a paused reader sees its close only once it reads again
        for (ChaosClient c : on) {
            Connection connection = c.connection();
            if (!Deadline.await(connection.ended::isDone, Duration.ofSeconds(15))) {
                w.violations.add(Promise.P6_ANSWERED, c + " was not closed within 15 s of the DELETE of " + sheet);
            } else if (connection.ended.join().code() != 4004) {
                w.log.note(c + " ended with " + connection.ended.join() + " after the DELETE (4004 expected)");
            }
        }
        return true;
    }

    /**
     * Deletes a sheet just as its 500th op commits, when the room hands its snapshot to the store: the
     * sheet is deleted and re-created first, so that its room counts from version 0; one writer then
     * streams ops and the DELETE goes out near the 500th acknowledgement.
     */
    private void deleteAtSnapshot(Random r) throws Exception {
        String sheet = World.SHEETS.get(r.nextInt(World.SHEETS.size()));
        if (w.existing.contains(sheet) && !deleteSheet(sheet)) {
            return;
        }
        w.prune(r);
        ChaosClient writer = w.newClient(sheet, r);
        if (!connect(writer, true, false)) {
            return;
        }
        List<String[]> cells = cellsOf(writer, r, 3);
        if (cells.isEmpty()) {
            return;
        }
        long target = 478 + r.nextInt(25); // the room of a new sheet writes its snapshot at v500
        w.log.note(writer + " streams toward v500; DELETE once v" + target + " is reached");
        AtomicBoolean stop = new AtomicBoolean();
        OpFactory f = factory(r);
        writer.flooding(); // 64 ops ahead of their acks: a small outbox-limit may close it with 1013
        Future<?> sender = w.burst.submit(() -> stream(writer, 560, 64, i -> {
            String[] cell = cells.get(i % cells.size());
            String id = writer.nextOpId();
            return new String[] {id, OpFactory.escape(SheetOps.edit(id, cell[0], cell[1], f.value(w.server.limits()), null))};
        }, stop));
        Deadline.await(() -> writer.version() >= target || writer.state() != ChaosClient.State.OPEN, World.ANSWER_DEADLINE);
        stop.set(true);
        long at = writer.version();
        if (deleteSheet(sheet)) {
            w.log.note("deleted at v" + at + " as seen by the writer");
            // A snapshot committed after the delete would bring the sheet back: watch for it a moment.
            boolean back = Deadline.await(() -> {
                ChaosHttp.Answer a = w.snapshot(sheet);
                return a != null && a.status() != 404;
            }, Duration.ofMillis(500));
            if (back) {
                w.violations.add(Promise.P4_DELETED_STAYS_DELETED, sheet + " is readable again right after its DELETE"
                        + " (deleted near v" + at + ", where the room writes its snapshot)");
            }
        }
        sender.get(30, TimeUnit.SECONDS);
    }

    /**
     * A client leaves at version V, its sheet is deleted and re-created, the new sheet gets past V, and
     * the client comes back asking to resume from V: it must get the new sheet whole, not the new
     * sheet's ops applied on top of the old one.
     */
    private void resumeAcrossDelete(Random r) {
        ChaosClient old = w.pick(r, x -> World.reading(x) && x.version() > 0 && x.version() <= 300);
        if (old == null) {
            w.log.note("no reading client of a short sheet");
            return;
        }
        String sheet = old.sheet;
        long v = old.version();
        w.log.note(old + " leaves at v" + v + "; " + sheet + " is deleted, re-created and written past v" + v);
        old.leave(r.nextBoolean(), "left");
        if (!deleteSheet(sheet)) {
            return;
        }
        w.prune(r);
        ChaosClient writer = w.newClient(sheet, r);
        if (!connect(writer, true, false)) {
            return;
        }
        OpFactory f = factory(r);
        for (int round = 0; round < 10 && writer.version() <= v && writer.state() == ChaosClient.State.OPEN; round++) {
            TableModel t = writer.table();
            int n = (int) Math.min(64, v + 1 + r.nextInt(3) - writer.version());
            for (int i = 0; i < n; i++) {
                String id = writer.nextOpId();
                String frame = t.columnIds().isEmpty() ? SheetOps.addColumn(id, "c", null)
                        : r.nextBoolean() ? SheetOps.insertRow(id, null, Map.of()) : f.any(id, t, w.server.limits());
                writer.send(id, frame);
            }
            writer.awaitAnswers(World.ANSWER_DEADLINE);
        }
        reconnect(old, false);
    }

    // ---- the store and the server ----

    private void storeFailure(Random r) throws Exception {
        // Shorter than the 5 s busy timeout, commits only wait; longer, they fail.
        long holdMillis = r.nextBoolean() ? 300 + r.nextInt(4000) : 5500 + r.nextInt(2500);
        List<ChaosClient> writers = new ArrayList<>();
        List<CompletableFuture<?>> background = new ArrayList<>();
        w.log.note("the store's write lock is taken for " + holdMillis + " ms");
        w.abruptEnds = true;
        try (WriteLock lock = new WriteLock(w.server.database())) {
            lock.lock();
            for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
                ChaosClient c = w.pick(r, x -> World.reading(x) && !writers.contains(x));
                if (c != null) {
                    writers.add(c);
                    OpFactory f = factory(r);
                    TableModel t = c.table();
                    for (int k = 0, ops = 1 + r.nextInt(6); k < ops; k++) {
                        String id = c.nextOpId();
                        c.send(id, f.any(id, t, w.server.limits()));
                    }
                }
            }
            if (r.nextBoolean()) {
                Random hr = new Random(r.nextLong());
                background.add(CompletableFuture.runAsync(() -> httpOps(hr), w.burst));
            }
            Deadline.await(() -> writers.stream().allMatch(c -> c.unansweredCount() == 0), Duration.ofMillis(holdMillis));
            w.log.note("the store's write lock is released");
        }
        try {
            for (CompletableFuture<?> b : background) {
                b.get(30, TimeUnit.SECONDS);
            }
            writers.forEach(c -> c.awaitAnswers(World.ANSWER_DEADLINE));
            writers.forEach(c -> w.log.note(c + " rejections so far: " + c.rejectionSummary()));
        } finally {
            w.abruptEnds = false;
        }
    }

    private void restart(Random r) throws Exception {
        Map<String, TableModel> before = new HashMap<>();
        for (String sheet : World.SHEETS) {
            if (w.existing.contains(sheet)) {
                ChaosHttp.Answer a = w.snapshot(sheet);
                if (a != null && a.status() == 200) {
                    before.put(sheet, World.table(a));
                }
            }
        }
        if (r.nextInt(5) < 3) {
            changeSettings(r, before);
        }
        w.log.note("restart with " + w.server.describe());
        w.expectEnds(c -> true, "restart");
        w.abruptEnds = true;
        try {
            w.server.stop();
            for (ChaosClient c : w.clients) {
                Connection connection = c.connection();
                if (connection != null && c.state() == ChaosClient.State.OPEN) {
                    c.unpause();
                    // The server has closed its side by now; the JDK client sometimes leaves its own in
                    // CLOSE_WAIT without telling the listener (seen with ss): a client-side matter, so it
                    // is cut here after a while, as a real client's own timeout would.
                    if (!Deadline.await(connection.ended::isDone, Duration.ofSeconds(5))) {
                        w.log.note(c + " did not notice within 5 s that its server stopped: cut");
                        connection.abort("restart");
                    }
                }
            }
            w.server.start();
        } finally {
            w.abruptEnds = false;
        }
        for (Map.Entry<String, TableModel> e : before.entrySet()) {
            ChaosHttp.Answer a = w.snapshot(e.getKey());
            if (a == null) {
                continue;
            }
            if (a.status() != 200) {
                w.violations.add(Promise.P3_NOTHING_LOST, e.getKey() + " at v" + e.getValue().version()
                        + " before the restart (" + w.server.describe() + ") answers " + a.status() + " after it: " + a.body());
                continue;
            }
            TableModel after = World.table(a);
            if (!after.equals(e.getValue())) {
                w.violations.add(Promise.P3_NOTHING_LOST, e.getKey() + " changed across the restart: "
                        + e.getValue().firstDifference(after));
            }
        }
        for (ChaosClient c : new ArrayList<>(w.clients)) {
            if (c.state() == ChaosClient.State.OFFLINE && r.nextInt(10) < 7) {
                reconnect(c, false);
            }
        }
    }

    /** Other limits for the next start, often below what the stored sheets already hold. */
    private void changeSettings(Random r, Map<String, TableModel> sheets) {
        int longest = 1;
        int rows = 1;
        int columns = 1;
        for (TableModel t : sheets.values()) {
            rows = Math.max(rows, t.rowIds().size());
            columns = Math.max(columns, t.columnIds().size());
            for (String row : t.rowIds()) {
                for (String col : t.columnIds()) {
                    TableModel.Cell cell = t.cell(row, col);
                    if (cell != null && cell.value() != null) {
                        longest = Math.max(longest, cell.value().length());
                    }
                }
            }
        }
        boolean lower = w.config.generates("lowered-limits");
        switch (r.nextInt(6)) {
            case 0 -> w.server.change(Setting.MAX_VALUE_LENGTH, String.valueOf(lower ? Math.max(1, longest / 2)
                    : longest + 1 + r.nextInt(5000)));
            case 1 -> w.server.change(Setting.MAX_ROWS, String.valueOf(lower ? Math.max(1, rows - 1 - r.nextInt(3)) : rows + 50));
            case 2 -> w.server.change(Setting.MAX_COLUMNS, String.valueOf(lower ? Math.max(1, columns - 1) : columns + 10));
            case 3 -> w.server.change(Setting.OP_WINDOW, String.valueOf(50 + r.nextInt(1500)));
            case 4 -> w.server.change(Setting.OUTBOX_LIMIT, List.of("16KiB", "64KiB", "1MiB").get(r.nextInt(3)));
            default -> {
                for (Setting s : List.of(Setting.MAX_VALUE_LENGTH, Setting.MAX_ROWS, Setting.MAX_COLUMNS, Setting.OP_WINDOW)) {
                    w.server.change(s, null);
                }
            }
        }
    }
}
