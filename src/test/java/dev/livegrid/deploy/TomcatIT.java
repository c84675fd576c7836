package dev.livegrid.deploy;

import java.nio.file.Path;
import java.util.Map;

/**
 * The shared deployment suite on Tomcat 11, a servlet-only container: the variant WAR
 * ({@code target/servlet/livegrid.war}, with JSON-B/JSON-P bundled), Tomcat's own WebSocket
 * implementation, and LiveGrid's own scheduler since Tomcat has no managed executor.
 */
class TomcatIT extends DeployedWarContract {

    @Override
    Path war() {
        return Path.of(System.getProperty("livegrid.servletWar", "target/servlet/livegrid.war")).toAbsolutePath();
    }

    @Override
    boolean hasManagedScheduler() {
        return false;
    }

    /** Tomcat rewrites the Content-Type SheetApi sets as {@code application/json;charset=utf-8}, without the space. */
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
     * Tomcat waits for the payload a frame header announces instead of refusing a declared length over
     * max-message-size at once: a header declaring 2^63-1 bytes gets no answer (only heartbeat pings).
     */
    @Override
    String declaredOverLimitOutcome() {
        return "silence";
    }

    /** Tomcat fails a close frame whose reason is not UTF-8 with 1002 (protocol error), not 1007. */
    @Override
    String invalidCloseReasonOutcome() {
        return "close 1002";
    }

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return TomcatServer.start(war, work, environment);
    }
}
