package dev.livegrid.deploy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared deployment suite on Payara Micro (Tyrus inside, like standalone), with the store in
 * the server's default DataSource ({@code java:comp/DefaultDataSource}, H2) instead of the
 * embedded SQLite file: the one WAR covers both stores across the two servers.
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

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return PayaraMicroServer.start(war, work, environment);
    }
}
