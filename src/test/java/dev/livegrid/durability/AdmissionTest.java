package dev.livegrid.durability;

import dev.livegrid.protocol.Codec;
import dev.livegrid.room.Member;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.session.Outbox;
import dev.livegrid.sheet.Op;
import dev.livegrid.support.RecordingSession;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The push-back of {@code Admission}, with every interleaving forced: sequencers on a {@link ManualPool}
 * (an op counts as in flight from the moment it is read until its answer, so ops stay in flight while
 * the pool does not run), readers that stop reading as stalled {@link RecordingSession}s.
 */
@Timeout(120)
class AdmissionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualPool pool = new ManualPool();
    private final GatedStore store = new GatedStore();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final RoomRegistry rooms = new RoomRegistry(TestSettings.loopback(), pool, store, timer);

    @AfterEach
    void close() {
        store.releaseAll();
        rooms.close();
        timer.shutdownNow();
    }

    @Test
    void aConnectionHasAtMost256OpsInFlightAndTheRestAreRefusedAtOnceNotQueued() throws Exception {
        Room room = rooms.acquire("burst", true);
        String[] cell = cell(room);
        RecordingSession socket = new RecordingSession();
        Member writer = member("u-w", socket);
        room.join(writer, null, null);
        pool.runAll();
        socket.drainTexts();

        for (int i = 0; i < 300; i++) {
            room.receive(writer, Codec.decode(SheetOps.edit("e" + i, cell[0], cell[1], "v" + i, null)));
        }
        List<String> refused = socket.drainTexts();
        assertEquals(44, refused.size(), "ops beyond 256 in flight are answered before any is ordered");
        for (String text : refused) {
            assertTrue(text.contains("\"code\":\"rate-limited\"") && text.contains("more than 256"), text);
        }
        assertTrue(refused.get(0).contains("\"id\":\"e256\""), refused.get(0));

        pool.runUntil(() -> socket.drainTexts().stream().anyMatch(t -> t.contains("\"id\":\"e255\"")), WAIT);
        room.receive(writer, Codec.decode(SheetOps.edit("after", cell[0], cell[1], "x", null)));
        pool.runUntil(() -> socket.drainTexts().stream().anyMatch(t -> t.contains("\"id\":\"after\"")
                && t.contains("\"type\":\"applied\"")), WAIT);
    }

    @Test
    void whenMostReadersAreBehindEachConnectionGetsOneOpAtATimeAndNobodyStarves() throws Exception {
        Room room = rooms.acquire("flooded", true);
        String[] cell = cell(room);
        List<RecordingSession> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RecordingSession reader = new RecordingSession().stall();
            readers.add(reader);
            room.join(member("u-r" + i, reader), null, null);
        }
        RecordingSession flooderSocket = new RecordingSession();
        Member flooder = member("u-flood", flooderSocket);
        RecordingSession quietSocket = new RecordingSession();
        Member quiet = member("u-quiet", quietSocket);
        room.join(flooder, null, null);
        room.join(quiet, null, null);
        pool.runAll();

        // One op at a time until the stopped readers hold enough to count as behind: 4 of 6 members.
        int sent = 0;
        while (!room.congested()) {
            assertTrue(sent < 200, "not congested after " + sent + " broadcasts to readers that stopped");
            String id = "f" + sent++;
            room.receive(flooder, Codec.decode(SheetOps.edit(id, cell[0], cell[1], id, null)));
            pool.runUntil(() -> flooderSocket.drainTexts().stream().anyMatch(t -> t.contains("\"id\":\"" + id + "\"")), WAIT);
        }
        assertTrue(sent >= 64, "congested only once the readers are behind: after " + sent);

        room.receive(flooder, Codec.decode(SheetOps.edit("first", cell[0], cell[1], "1", null)));
        room.receive(flooder, Codec.decode(SheetOps.edit("second", cell[0], cell[1], "2", null)));
        String refusal = flooderSocket.drainTexts().get(0);
        assertTrue(refusal.contains("\"id\":\"second\"") && refusal.contains("rate-limited")
                && refusal.contains("readers are behind"), refusal);
        quietSocket.drainTexts();
        room.receive(quiet, Codec.decode(SheetOps.edit("mine", cell[0], cell[1], "q", null)));
        assertEquals(List.of(), quietSocket.drainTexts(), "a connection with nothing in flight is admitted");
        pool.runUntil(() -> quietSocket.drainTexts().stream().anyMatch(t -> t.contains("\"id\":\"mine\"")
                && t.contains("\"type\":\"applied\"")), WAIT);

        readers.forEach(RecordingSession::flow);
        pool.runUntil(() -> !room.congested(), WAIT);
        room.receive(flooder, Codec.decode(SheetOps.edit("third", cell[0], cell[1], "3", null)));
        room.receive(flooder, Codec.decode(SheetOps.edit("fourth", cell[0], cell[1], "4", null)));
        pool.runUntil(() -> flooderSocket.drainTexts().stream().anyMatch(t -> t.contains("\"id\":\"fourth\"")
                && t.contains("\"type\":\"applied\"")), WAIT);
        assertFalse(room.congested());
    }

    @Test
    void oneReaderThatStoppedDoesNotCongestASheet() throws Exception {
        Room room = rooms.acquire("one-slow", true);
        String[] cell = cell(room);
        room.join(member("u-slow", new RecordingSession().stall()), null, null);
        RecordingSession writerSocket = new RecordingSession();
        Member writer = member("u-w", writerSocket);
        room.join(writer, null, null);
        room.join(member("u-v", new RecordingSession()), null, null);
        pool.runAll();
        for (int i = 0; i < 200; i++) {
            String id = "e" + i;
            room.receive(writer, Codec.decode(SheetOps.edit(id, cell[0], cell[1], id, null)));
            pool.runUntil(() -> writerSocket.drainTexts().stream().anyMatch(t -> t.contains("\"id\":\"" + id + "\"")
                    && t.contains("\"type\":\"applied\"")), WAIT);
        }
        assertFalse(room.congested(), "one of three members behind is that reader's problem, not the sheet's");
    }

    private Member member(String id, RecordingSession socket) {
        return new Member(id, id, new Outbox(socket.session(), 1024, 64L << 20), 1_000_000);
    }

    /** A column and a row to edit: their ids. */
    private String[] cell(Room room) throws Exception {
        String col = RoomOps.applied(pool, room, "c", new Op.AddColumn(null, "A", null));
        String row = RoomOps.applied(pool, room, "r", new Op.InsertRow(null, null, Map.of()));
        return new String[]{row, col};
    }
}
