package dev.livegrid.client;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static dev.livegrid.client.LiveGridClientTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losing the connection and coming back: the client resumes with {@code since} and the sheet's
 * incarnation and resends what was not acknowledged, whether the ops never reached the server, were
 * applied but their acknowledgements lost, or were made while it was away; no op is lost or applied
 * twice, and listeners see every version once. The connection is cut by a TCP relay between client and
 * server ({@link TcpProxy}), or by restarting the server on the same port and data directory.
 */
@Timeout(90)
class ClientResumeTest {

    /** Reconnect at once and often: these tests wait for it. */
    private static final ReconnectPolicy QUICKLY = ReconnectPolicy.backoff(Duration.ofMillis(20), Duration.ofMillis(200));
    private static final Duration WAIT = Duration.ofSeconds(LiveGridClientTest.WAIT);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    private void stop(LiveGridServer server) {
        resources.remove(server);
        server.close();
    }

    private LiveGridClient client(URI server, String sheet, SheetListener listener) {
        return keep(LiveGridClient.builder(server, sheet).reconnect(QUICKLY).listener(listener).build());
    }

    private static URI through(TcpProxy proxy) {
        return URI.create("ws://127.0.0.1:" + proxy.port());
    }

    @Test
    void opsWhoseAcknowledgementsWereLostAreAcknowledgedOnceAfterTheResume() throws Exception {
        LiveGridServer server = keep(LiveGridServer.start(TestSettings.loopback()));
        TcpProxy proxy = keep(new TcpProxy(server.port()));
        Recorder aliceSaw = new Recorder();
        Recorder bobSaw = new Recorder();
        LiveGridClient alice = client(through(proxy), "lost-acks", aliceSaw);
        LiveGridClient bob = client(server.baseUri(), "lost-acks", bobSaw);
        await(alice.connect());
        await(bob.connect());
        String col = await(alice.addColumn("A", null)).createdId().orElseThrow();

        proxy.holdReplies(); // the server applies what follows, but Alice hears nothing of it
        List<CompletableFuture<Applied>> edits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            edits.add(alice.insertRow(null, Map.of(col, "row " + i)));
        }
        await(bob.awaitVersion(6, WAIT)); // all five applied, none acknowledged to Alice
        assertTrue(edits.stream().noneMatch(CompletableFuture::isDone));
        proxy.cut();

        for (int i = 0; i < 5; i++) {
            assertEquals(2 + i, await(edits.get(i)).version(), "each op acknowledged with the version it was applied at");
        }
        // The server handles one connection's ops in order, so this one follows the five resent ones: had any
        // of them been applied again, it would come later than version 7.
        assertEquals(7, await(alice.insertRow(null)).version());
        await(bob.awaitVersion(7, WAIT));
        assertEquals(bob.table(), alice.table());
        assertEquals(versions(1, 7), aliceSaw.versions());
        assertEquals(versions(1, 7), bobSaw.versions());
        assertEquals(List.of(new Recorder.Welcome(0, false), new Recorder.Welcome(1, true)), aliceSaw.welcomes());
        assertTrue(aliceSaw.saw(Status.RECONNECTING));
        assertEquals(2, proxy.accepted());
    }

    /**
     * The JDK's WebSocket does not always report a connection closed without a close frame (a FIN only);
     * the keep-alive's unanswered ping must. Ten quiet ends in a row, each noticed and resumed without the
     * client sending anything that could make the dead connection fail on its own.
     */
    @Test
    void aConnectionEndedWithoutACloseFrameIsNoticedByTheKeepAliveAndResumed() throws Exception {
        LiveGridServer server = keep(LiveGridServer.start(TestSettings.loopback()));
        TcpProxy proxy = keep(new TcpProxy(server.port()));
        Recorder aliceSaw = new Recorder();
        LiveGridClient alice = keep(LiveGridClient.builder(through(proxy), "quiet-end").reconnect(QUICKLY)
                .keepAlive(Duration.ofMillis(300)).listener(aliceSaw).build());
        await(alice.connect());
        for (int i = 0; i < 10; i++) {
            proxy.endQuietly();
            int connections = i + 2;
            Eventually.until("reconnection " + connections, () -> proxy.accepted() == connections
                    && alice.status() == Status.OPEN);
        }
        assertEquals(1, await(alice.insertRow(null)).version(), "the sheet's first op, applied once");
    }

    @Test
    void opsThatNeverReachedTheServerAreSentAgainAfterTheResume() throws Exception {
        LiveGridServer server = keep(LiveGridServer.start(TestSettings.loopback()));
        TcpProxy proxy = keep(new TcpProxy(server.port()));
        Recorder aliceSaw = new Recorder();
        LiveGridClient alice = client(through(proxy), "lost-ops", aliceSaw);
        LiveGridClient bob = client(server.baseUri(), "lost-ops", new Recorder());
        await(alice.connect());
        await(bob.connect());
        String col = await(alice.addColumn("A", null)).createdId().orElseThrow();
        String row = await(alice.insertRow(null)).createdId().orElseThrow();

        proxy.holdRequests(); // what Alice sends now never arrives
        CompletableFuture<Applied> edit = alice.edit(row, col, "kept");
        CompletableFuture<Applied> rename = alice.renameColumn(col, "B");
        // Meanwhile Bob changes the sheet: Alice's resume must bring her his op too.
        await(bob.insertRow(row));
        proxy.cut();

        assertEquals(4, await(edit).version());
        assertEquals(5, await(rename).version());
        Table bobs = await(bob.awaitVersion(5, WAIT));
        assertEquals(bobs, alice.table());
        assertEquals("kept", bobs.value(row, col));
        assertEquals(versions(1, 5), aliceSaw.versions());
    }

    @Test
    void opsMadeWhileTheServerRestartsGoOutWhenItIsBack() throws Exception {
        Settings onDisk = TestSettings.loopback().with(Setting.DATA_DIR, dataDir.toString());
        LiveGridServer first = keep(LiveGridServer.start(onDisk));
        int port = first.port();
        Recorder saw = new Recorder();
        LiveGridClient client = client(first.baseUri(), "restarted", saw);
        String incarnation = await(client.connect()).incarnation();
        String col = await(client.addColumn("A", null)).createdId().orElseThrow();

        stop(first); // says goodbye with 1001: the client reconnects, and finds nobody for a while
        saw.awaitStatus(Status.RECONNECTING);
        assertEquals(1001, saw.statuses().get(saw.statuses().size() - 1).cause().code());
        List<CompletableFuture<Applied>> whileAway = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            whileAway.add(client.insertRow(null, Map.of(col, "made while away " + i)));
        }
        LiveGridServer second = keep(LiveGridServer.start(onDisk.withPort(port)));

        for (int i = 0; i < 3; i++) {
            assertEquals(2 + i, await(whileAway.get(i)).version());
        }
        assertEquals(Status.OPEN, client.status());
        assertEquals(incarnation, client.table().incarnation());
        assertEquals(List.of(new Recorder.Welcome(0, false), new Recorder.Welcome(1, true)), saw.welcomes());
        LiveGridClient fresh = keep(LiveGridClient.builder(second.baseUri(), "restarted").build());
        assertEquals(client.table(), await(fresh.connect()));
    }

    @Test
    void aResumeTooFarBehindGetsTheWholeSheetAgain() throws Exception {
        LiveGridServer server = keep(LiveGridServer.start(TestSettings.loopback().with(Setting.OP_WINDOW, "2")));
        TcpProxy proxy = keep(new TcpProxy(server.port()));
        Recorder aliceSaw = new Recorder();
        LiveGridClient alice = client(through(proxy), "far-behind", aliceSaw);
        LiveGridClient bob = client(server.baseUri(), "far-behind", new Recorder());
        await(alice.connect());
        await(bob.connect());

        proxy.holdReplies();
        for (int i = 0; i < 5; i++) {
            await(bob.addColumn("C" + i, null)); // more than the op window holds
        }
        proxy.cut();

        aliceSaw.awaitStatus(Status.RECONNECTING);
        Eventually.until("Alice's second welcome", () -> aliceSaw.welcomes().size() == 2);
        assertEquals(new Recorder.Welcome(5, false), aliceSaw.welcomes().get(1)); // not resumed: replaced
        assertEquals(bob.table(), alice.table());
        assertFalse(aliceSaw.versions().contains(5L), "versions in between are not delivered one by one");
    }

    private static List<Long> versions(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
