package dev.livegrid.deploy;

import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared deployment suite on WildFly (Undertow's WebSocket implementation, embedded SQLite store
 * in a data directory), plus what only a server with hot redeploy can show: undeploying stops every
 * LiveGrid thread and unlocks the store, and a redeploy finds the sheets where they were.
 */
class WildFlyIT extends DeployedWarContract {

    private WildFlyServer wildFly;

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        wildFly = WildFlyServer.start(war, work, environment);
        return wildFly;
    }

    /** Undertow rewrites the Content-Type SheetApi sets as {@code application/json;charset=utf-8}, without the space. */
    @Override
    String jsonContentType() {
        return "application/json;charset=utf-8";
    }

    /** As {@link #jsonContentType()}: {@code text/csv;charset=utf-8}. */
    @Override
    String csvContentType() {
        return "text/csv;charset=utf-8";
    }


    /**
     * Undertow waits for the payload a frame header announces instead of refusing a declared length over
     * max-message-size at once: a header declaring 2^63-1 bytes gets no answer (only heartbeat pings).
     */
    @Override
    String declaredOverLimitOutcome() {
        return "silence";
    }

    @Test
    void undeployLeavesNoThreadAndRedeployFindsTheSheets() throws Exception {
        String sheet = "redeploy-" + System.nanoTime();
        SheetClient viewer = SheetClient.join(server.webSocket("sheets/" + sheet));
        String col = appliedOp(viewer, SheetOps.addColumn("c", "kept", null)).getString("col");
        appliedOp(viewer, SheetOps.insertRow("r", null, Map.of(col, "survives a redeploy")));
        assertTrue(livegridThreads().size() > 0, "LiveGrid's pools are running: " + server.process().threadNames());

        long started = System.nanoTime();
        wildFly.undeploy();
        SheetClient.Closed closed = viewer.awaitClose(Duration.ofSeconds(30));
        System.out.printf("WildFly: undeployed in %.1f s; open viewer closed with %s%n",
                (System.nanoTime() - started) / 1e9, closed);
        server.process().awaitTrue("every livegrid-* thread ends after undeploy", Duration.ofSeconds(30),
                () -> livegridThreads().isEmpty());

        started = System.nanoTime();
        wildFly.redeploy();
        System.out.printf("WildFly: redeployed in %.1f s%n", (System.nanoTime() - started) / 1e9);
        HttpResponse<String> snapshot = get(server.base().resolve("api/sheets/" + sheet + ".csv"));
        assertEquals(200, snapshot.statusCode(), snapshot.body());
        assertEquals("kept\r\nsurvives a redeploy\r\n", snapshot.body(), "the store was closed and reopened intact");
        try (SheetClient again = SheetClient.join(server.webSocket("sheets/" + sheet))) {
            assertEquals(2, again.welcomeVersion());
        }
    }

    private List<String> livegridThreads() {
        try {
            return server.process().threadNames().stream().filter(n -> n.startsWith("livegrid-")).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
