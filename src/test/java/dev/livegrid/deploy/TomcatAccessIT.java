package dev.livegrid.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Access control in the servlet-container WAR on Tomcat 11: token mode, and container mode with users
 * and roles in {@code conf/tomcat-users.xml}, read by a realm in the engine of Tomcat's server.xml.
 */
class TomcatAccessIT extends DeployedAccessContract {

    @Override
    Path war() {
        return Path.of(System.getProperty("livegrid.servletWar", "target/servlet/livegrid.war")).toAbsolutePath();
    }

    @Override
    DeployedServer start(List<Path> wars, Path work, List<RealmUser> users, String readyPath) throws Exception {
        return TomcatServer.start(wars, work, Map.of(), users, readyPath);
    }
}
