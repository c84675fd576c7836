package dev.livegrid.client;

import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.testing.LiveGridSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against a real server: the join, every op, compare-and-set, waiting for a version,
 * presence, listeners, a sheet deleted under it, and what close() leaves behind.
 */
@Timeout(60)
@LiveGridSettings
class LiveGridClientTest {

    static final long WAIT = 10;
    private static final AtomicInteger SHEETS = new AtomicInteger();

    /** One server for the class, from LiveGridExtension: 127.0.0.1, a free port, sheets in memory. */
    private final LiveGridServer server;
    private final List<LiveGridClient> clients = new ArrayList<>();

    LiveGridClientTest(LiveGridServer server) {
        this.server = server;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(LiveGridClient::close);
    }

    private LiveGridClient client(String sheet, SheetListener... listeners) {
        LiveGridClient.Builder builder = LiveGridClient.builder(server.baseUri(), sheet);
        for (SheetListener listener : listeners) {
            builder.listener(listener);
        }
        LiveGridClient client = builder.build();
        clients.add(client);
        return client;
    }

    private static String freshSheet() {
        return "client-test-" + SHEETS.incrementAndGet();
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT, TimeUnit.SECONDS);
    }

    /** The failure of a future that must fail, unwrapped. */
    static Throwable failureOf(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(WAIT, TimeUnit.SECONDS));
        return failed.getCause();
    }

    @Test
    void theFirstWelcomeGivesTheWholeTable() throws Exception {
        LiveGridClient client = client("demo");
        assertEquals(Status.NEW, client.status());
        assertEquals(-1, client.version());

        Table table = await(client.connect());

        assertEquals("demo", table.sheet());
        assertEquals(List.of("name", "age", "gender", "hobby", "skill"), table.columnIds());
        assertEquals(List.of("seed1", "seed2", "seed3"), table.rowIds());
        assertEquals("小明", table.value("seed1", "name"));
        assertEquals("名称", table.column("name").orElseThrow().name());
        assertEquals(table, client.table());
        assertEquals(Status.OPEN, client.status());
        assertTrue(client.you().matches("u-[0-9a-f]{16}"), client.you());
        assertEquals("owner", client.role()); // auth none: everyone may do everything
    }

    @Test
    void aBatchIsAppliedAtOneVersionAndEveryClientsTableFollowsIt() throws Exception {
        String sheet = freshSheet();
        LiveGridClient alice = client(sheet);
        LiveGridClient bob = client(sheet);
        await(alice.connect());
        await(bob.connect());
        String name = await(alice.addColumn("Name", null)).createdId().orElseThrow();

        Applied batch = await(alice.batch(List.of(new Op.AddColumn(null, "Email", name),
                new Op.InsertRow(null, null, Map.of(name, "Ada", "$0", "ada@example.com")),
                new Op.InsertRow(null, "$1", Map.of(name, "Grace")),
                new Op.Edit("$2", "$0", "grace@example.com"))));

        assertEquals(2, batch.version());
        Op.Batch applied = assertInstanceOf(Op.Batch.class, batch.op());
        assertEquals(new Op.AddColumn("c2-0", "Email", name), applied.ops().get(0));
        Table bobs = await(bob.awaitVersion(2, Duration.ofSeconds(WAIT)));
        assertEquals(alice.table(), bobs);
        assertEquals(List.of("r2-1", "r2-2"), bobs.rowIds());
        assertEquals("grace@example.com", bobs.value("r2-2", "c2-0"));
        assertEquals(2, bobs.versionOf("r2-1", name));

        Throwable refused = failureOf(alice.batch(List.of(new Op.Edit("r2-1", name, "x"), new Op.DeleteRow("r9"))));
        assertEquals("no-such-row", assertInstanceOf(OpRejectedException.class, refused).code());
        assertEquals("Ada", alice.table().value("r2-1", name), "nothing of a refused batch applies");
        assertThrows(IllegalArgumentException.class, () -> alice.batch(List.of()));
        assertThrows(IllegalArgumentException.class, () -> alice.batch(List.of(new Op.Edit("r1", "$x", "v"))));
        assertThrows(IllegalArgumentException.class, () -> alice.batch(List.of(new Op.Batch(List.of(new Op.DeleteRow("r1"))))));
    }

    @Test
    void everyOpIsAppliedInOrderAndSeenByAnotherClientInTheSameOrder() throws Exception {
        String sheet = freshSheet();
        Recorder aliceSaw = new Recorder();
        Recorder bobSaw = new Recorder();
        LiveGridClient alice = client(sheet, aliceSaw);
        LiveGridClient bob = client(sheet, bobSaw);
        assertEquals(0, await(alice.connect()).version());
        await(bob.connect());

        String name = await(alice.addColumn("Name", null)).createdId().orElseThrow();
        String age = await(alice.addColumn("Age", name)).createdId().orElseThrow();
        String ada = await(alice.insertRow(null, Map.of(name, "Ada"))).createdId().orElseThrow();
        String spare = await(alice.insertRow(ada)).createdId().orElseThrow();
        await(alice.edit(ada, age, "36"));
        await(alice.renameColumn(age, "Years"));
        await(alice.deleteRow(spare));
        Applied last = await(alice.deleteColumn(name));

        assertEquals(8, last.version());
        Table bobs = await(bob.awaitVersion(last.version(), Duration.ofSeconds(WAIT)));
        assertEquals(alice.table(), bobs);
        assertEquals(List.of(new Table.Column(age, "Years")), bobs.columns());
        assertEquals(List.of(new Table.Row(ada, Map.of(age, new Table.Cell("36", 5)))), bobs.rows());

        List<Long> everyVersion = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        bobSaw.awaitVersion(8);
        assertEquals(everyVersion, aliceSaw.versions());
        assertEquals(everyVersion, bobSaw.versions());
        assertEquals(List.of("addColumn", "addColumn", "insertRow", "insertRow", "edit", "renameColumn", "deleteRow",
                "deleteColumn"), bobSaw.changes().stream().map(applied -> applied.op().type()).toList());
        assertTrue(bobSaw.changes().stream().allMatch(applied -> applied.by().equals(alice.you())));
        assertEquals(new Op.Edit(ada, age, "36"), bobSaw.changes().get(4).op());
    }

    @Test
    void anOpsFutureCompletesAfterListenersHeardOfIt() throws Exception {
        String sheet = freshSheet();
        Recorder saw = new Recorder();
        LiveGridClient client = client(sheet, saw);
        await(client.connect());

        Applied applied = await(client.addColumn("A", null).thenApply(done -> {
            assertEquals(List.of(done.version()), saw.versions()); // heard before the future completed
            return done;
        }));

        assertEquals(1, applied.version());
        assertEquals(client.you(), applied.by());
        assertFalse(applied.merged());
        assertTrue(saw.threads().stream().allMatch(name -> name.startsWith("livegrid-client-" + sheet + "-")),
                saw.threads().toString());
    }

    @Test
    void aCompareAndSetEditLosingARaceIsRejectedWithTheCellThatWon() throws Exception {
        String sheet = freshSheet();
        LiveGridClient alice = client(sheet);
        LiveGridClient bob = client(sheet);
        await(alice.connect());
        await(bob.connect());
        String col = await(alice.addColumn("A", null)).createdId().orElseThrow();
        Applied row = await(alice.insertRow(null));
        String r = row.createdId().orElseThrow();
        await(bob.awaitVersion(row.version(), Duration.ofSeconds(WAIT)));
        long base = bob.table().versionOf(r, col);
        assertEquals(0, base); // never written

        Applied first = await(alice.edit(r, col, "first", base));
        Throwable lost = failureOf(bob.edit(r, col, "second", base));

        OpRejectedException rejected = assertInstanceOf(OpRejectedException.class, lost);
        assertEquals("conflict", rejected.code());
        assertEquals(new Table.Cell("first", first.version()), rejected.current().orElseThrow());
        assertEquals(new Op.Edit(r, col, "second"), rejected.op());
        // With the base it was told, the next attempt goes through.
        Applied retried = await(bob.edit(r, col, "second", rejected.current().orElseThrow().version()));
        assertEquals("second", await(alice.awaitVersion(retried.version(), Duration.ofSeconds(WAIT))).value(r, col));
    }

    @Test
    void anOpOnARowThatIsGoneIsRejected() throws Exception {
        LiveGridClient client = client(freshSheet());
        await(client.connect());
        String col = await(client.addColumn("A", null)).createdId().orElseThrow();

        OpRejectedException rejected = assertInstanceOf(OpRejectedException.class,
                failureOf(client.edit("r999", col, "x")));

        assertEquals("no-such-row", rejected.code());
        assertTrue(rejected.current().isEmpty());
    }

    @Test
    void awaitVersionCompletesWhenTheVersionArrivesAndTimesOutWhenItDoesNot() throws Exception {
        String sheet = freshSheet();
        LiveGridClient writer = client(sheet);
        LiveGridClient reader = client(sheet);
        await(writer.connect());
        await(reader.connect());
        CompletableFuture<Table> second = reader.awaitVersion(2, Duration.ofSeconds(WAIT));

        String col = await(writer.addColumn("A", null)).createdId().orElseThrow();
        assertFalse(second.isDone());
        await(writer.insertRow(null, Map.of(col, "x")));

        Table table = await(second);
        assertEquals(2, table.version());
        assertEquals("x", table.value(table.rowIds().get(0), col));
        assertEquals(table, await(reader.awaitVersion(1, Duration.ofSeconds(WAIT)))); // reached already
        assertInstanceOf(TimeoutException.class, failureOf(reader.awaitVersion(99, Duration.ofMillis(50))));
    }

    @Test
    void anotherClientsArrivalCursorAndDepartureAreSeen() throws Exception {
        String sheet = freshSheet();
        Recorder aliceSaw = new Recorder();
        LiveGridClient alice = client(sheet, aliceSaw);
        await(alice.connect());
        String col = await(alice.addColumn("A", null)).createdId().orElseThrow();
        String row = await(alice.insertRow(null)).createdId().orElseThrow();
        LiveGridClient bob = LiveGridClient.builder(server.baseUri(), sheet).name("  Bob  ").build();
        clients.add(bob);
        await(bob.connect());
        String bobId = bob.you();

        aliceSaw.awaitUsers("Bob arrives", users -> users.contains(new User(bobId, "Bob", null)));
        bob.focus(row, col);
        aliceSaw.awaitUsers("Bob's cursor on the cell", users -> users.contains(new User(bobId, "Bob", new CellRef(row, col))));
        bob.blur();
        aliceSaw.awaitUsers("Bob's cursor nowhere", users -> users.contains(new User(bobId, "Bob", null)));
        bob.close();
        aliceSaw.awaitUsers("Bob leaves", users -> users.stream().noneMatch(u -> u.id().equals(bobId)));
        assertEquals(aliceSaw.users(), alice.users());
        assertTrue(alice.users().stream().anyMatch(u -> u.id().equals(alice.you())));
    }

    @Test
    void aSheetDeletedUnderTheClientClosesItForGood() throws Exception {
        String sheet = freshSheet();
        Recorder saw = new Recorder();
        LiveGridClient client = client(sheet, saw);
        await(client.connect());

        HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.baseUri().resolve("api/sheets/" + sheet)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, deleted.statusCode(), deleted.body());

        saw.awaitStatus(Status.CLOSED);
        Recorder.StatusChange closed = saw.statuses().get(saw.statuses().size() - 1);
        assertEquals(4004, closed.cause().code());
        assertFalse(saw.saw(Status.RECONNECTING)); // retrying cannot bring a deleted sheet back
        ConnectionClosedException refused = assertInstanceOf(ConnectionClosedException.class,
                failureOf(client.edit("r1", "c1", "too late")));
        assertEquals(4004, refused.disconnection().code());
    }

    @Test
    void closeFailsWhatWaitsAndEndsTheEventThread() throws Exception {
        String sheet = freshSheet();
        Recorder saw = new Recorder();
        LiveGridClient client = client(sheet, saw);
        await(client.connect());
        CompletableFuture<Table> never = client.awaitVersion(1000, Duration.ofSeconds(WAIT));

        client.close();

        assertEquals(Status.CLOSED, client.status());
        assertEquals(new Disconnection(1000, "closed by the client"), saw.statuses().get(saw.statuses().size() - 1).cause());
        assertInstanceOf(ConnectionClosedException.class, failureOf(never));
        assertInstanceOf(ConnectionClosedException.class, failureOf(client.addColumn("A", null)));
        assertInstanceOf(ConnectionClosedException.class, failureOf(client.connect()));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("livegrid-client-" + sheet + "-")), "the event thread is gone");
        client.close(); // again: nothing happens
    }

    @Test
    void anOpMadeWhileTheClientClosesFailsInsteadOfWaitingForEver() throws Exception {
        CountDownLatch listenerBusy = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        LiveGridClient client = client(freshSheet(), new SheetListener() {
            @Override
            public void onChange(Applied applied, Table table) {
                listenerBusy.countDown();
                try {
                    letGo.await(WAIT, TimeUnit.SECONDS); // holds the event thread, so that close() queues behind it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        await(client.connect());
        client.addColumn("A", null);
        assertTrue(listenerBusy.await(WAIT, TimeUnit.SECONDS));
        Thread closer = new Thread(client::close, "closer");
        closer.start();
        Eventually.until("close() waits for the event thread", () -> closer.getState() == Thread.State.TIMED_WAITING);

        CompletableFuture<Applied> late = client.addColumn("late", null);
        letGo.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT));

        assertInstanceOf(ConnectionClosedException.class, failureOf(late));
    }

    @Test
    void opsMadeBeforeTheJoinGoOutAfterTheWelcome() throws Exception {
        LiveGridClient client = client(freshSheet());
        CompletableFuture<Applied> early = client.addColumn("Early", null);

        await(client.connect());

        assertEquals(1, await(early).version());
        assertEquals("Early", client.table().columns().get(0).name());
    }

    @Test
    void argumentsThatBreakTheProtocolsRulesFailAtTheCall() {
        LiveGridClient client = client(freshSheet());
        URI base = server.baseUri();

        assertThrows(IllegalArgumentException.class, () -> client.edit("row 1", "c1", "x"));
        assertThrows(IllegalArgumentException.class, () -> client.edit("r1", "c1", "lone \ud800 surrogate"));
        assertThrows(NullPointerException.class, () -> client.edit(null, "c1", "x"));
        assertThrows(IllegalArgumentException.class, () -> client.addColumn("   ", null));
        assertThrows(IllegalArgumentException.class, () -> client.addColumn("tab\there", null));
        assertThrows(IllegalArgumentException.class, () -> client.insertRow(null, Map.of("not an id", "x")));
        assertThrows(IllegalArgumentException.class, () -> client.awaitVersion(1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> LiveGridClient.builder(base, "no/slash"));
        assertThrows(IllegalArgumentException.class, () -> LiveGridClient.builder(URI.create("ftp://h:1"), "s"));
        assertThrows(IllegalArgumentException.class, () -> LiveGridClient.builder(URI.create("ws://h:1/?x=1"), "s"));
        assertThrows(IllegalArgumentException.class, () -> LiveGridClient.builder(base, "s").name("x".repeat(101)));
        assertThrows(IllegalArgumentException.class, () -> LiveGridClient.builder(base, "s").clientKey("short"));
        // 100 emoji are 100 characters as the server counts them, though 200 UTF-16 units.
        LiveGridClient.builder(base, "s").name("😀".repeat(100));
        assertThrows(IllegalStateException.class, client::table);
        assertNull(client.you());
    }
}
