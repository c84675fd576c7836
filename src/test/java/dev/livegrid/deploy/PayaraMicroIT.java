package dev.livegrid.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared deployment suite on Payara Micro (Tyrus inside, like standalone), with the store in
 * the server's default DataSource ({@code java:comp/DefaultDataSource}, H2) instead of the
 * embedded SQLite file: the one WAR covers both stores across the two servers.
 * <p>
 * Payara's default pool opens its H2 file with {@code AUTO_SERVER=TRUE}, which starts an H2 TCP
 * server on every interface, and with H2's default write delay; the pre-boot commands
 * ({@code src/test/resources/deploy/payara-preboot.asadmin}) replace its URL, as docs/DEPLOYMENT.md
 * tells Payara users to, and {@code theServerListensOnLoopbackOnly} would catch the open port.
 */
class PayaraMicroIT extends DeployedWarContract {

    @Override
    Map<String, String> environment(Path work) {
        Map<String, String> environment = new HashMap<>(super.environment(work));
        environment.put("LIVEGRID_DATA_SOURCE", "java:comp/DefaultDataSource");
        return environment;
    }

    /**
     * Tyrus inside Payara Micro does not check the MASK bit of client frames (standalone's
     * FrameGuardFilter fails such a connection with 1002 before Tyrus sees it): it takes the
     * unmasked text as a message and the echo endpoint sends it back. RFC 6455 §5.1 says a server
     * must close the connection; this records what Payara does instead.
     */
    @Override
    String unmaskedFrameOutcome() {
        return "TEXT 'hello'";
    }

    /**
     * Tyrus waits for the payload a frame header announces instead of refusing a declared length over
     * max-message-size at once: a header declaring 2^63-1 bytes gets no answer (only heartbeat pings).
     */
    @Override
    String declaredOverLimitOutcome() {
        return "silence";
    }

    @Test
    void theDefaultDataSourceHoldsTheSheetsWithoutDurabilityWarnings() {
        String log = server.process().log();
        assertTrue(log.contains("LiveGrid started at /livegrid/ (store DataSource java:comp/DefaultDataSource"), log);
        assertFalse(log.contains("the store (DataSource"), "the pool's URL was made durable (WRITE_DELAY=0)");
    }

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return PayaraMicroServer.start(war, work, environment);
    }
}
