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

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return TomcatServer.start(war, work, environment);
    }
}
